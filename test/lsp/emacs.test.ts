import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/shared.ts";
import { editorAvailable, runEditor } from "./support/editor.ts";
import { exampleCrate, lineOf } from "./support/workspace.ts";

interface EmacsDiagnostic {
  line: number;
  text: string;
}

interface EmacsResult {
  error?: string;
  server: string;
  initial: EmacsDiagnostic[];
  edited_line: number;
  after_edit: EmacsDiagnostic[];
  modified: boolean;
  actions: string[];
  fixed_line: string;
  after_fix: EmacsDiagnostic[];
}

/**
 * Emacs 28 (Debian's emacs-nox) with Debian's eglot (elpa-eglot) and editors/emacs/async-doctor.el:
 * eglot starts async-doctor from `eglot-server-programs`, flymake shows its diagnostics.
 */
describe("Emacs eglot with editors/emacs/async-doctor.el", () => {
  it("shows findings for an unsaved buffer and applies the quick fix", async () => {
    if (!editorAvailable("emacs", "apt-get install emacs-nox elpa-eglot")) return;
    const scratch = mkdtempSync(path.join(os.tmpdir(), "async-doctor-emacs-"));
    const main = path.join(exampleCrate, "src/main.rs");
    const before = readFileSync(main, "utf8");
    try {
      const out = path.join(scratch, "result.json");
      const { code, stderr } = await runEditor("emacs", ["--batch", "-l", path.join(projectRoot, "test/lsp/emacs/drive.el")], {
        cwd: scratch,
        timeoutMs: 200_000,
        env: {
          HOME: scratch,
          ASYNC_DOCTOR_EMACS_OUT: out,
          ASYNC_DOCTOR_EMACS_FILE: main,
          ASYNC_DOCTOR_EMACS_CONFIG: path.join(projectRoot, "editors/emacs/async-doctor.el"),
          ASYNC_DOCTOR_EMACS_COMMAND: [process.execPath, path.join(projectRoot, "bin/async-doctor.js"), "lsp"].join("\t"),
        },
      });
      expect(code, stderr).toBe(0);
      const result = JSON.parse(readFileSync(out, "utf8")) as EmacsResult;
      expect(result.error).toBeUndefined();
      expect(result.server).toBe("async-doctor");
      const sleepLine = lineOf(before, "std::thread::sleep");
      expect(result.initial.some((d) => d.line === sleepLine && d.text.startsWith("async-doctor [blocking-in-async]: `std::thread::sleep`"))).toBe(true);
      expect(result.modified).toBe(true);
      expect(result.after_edit.some((d) => d.line === result.edited_line && /`std::thread::sleep` blocks the runtime in async fn `report_stats`/.test(d.text))).toBe(true);
      expect(result.actions).toEqual(expect.arrayContaining(["async-doctor: replace with `tokio::time::sleep(…).await`", "async-doctor: allow `blocking-in-async` here"]));
      expect(result.fixed_line).toBe("        tokio::time::sleep(Duration::from_millis(5)).await;");
      expect(result.after_fix.some((d) => d.line === result.edited_line)).toBe(false);
      expect(readFileSync(main, "utf8")).toBe(before);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 240_000);
});
