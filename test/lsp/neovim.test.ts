import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/shared.ts";
import { editorAvailable, runEditor } from "./support/editor.ts";
import { exampleCrate, lineOf } from "./support/workspace.ts";

interface NvimDiagnostic {
  lnum: number;
  col: number;
  source: string;
  code: string;
  message: string;
}

interface NvimResult {
  error?: string;
  filetype: string;
  client: string;
  initial: NvimDiagnostic[];
  edited_line: number;
  after_edit: NvimDiagnostic[];
  modified: boolean;
  actions: string[];
  fixed_line: string;
  after_fix: NvimDiagnostic[];
}

/**
 * A real editor as the client: headless Neovim (Debian's, 0.7) loads editors/neovim/async-doctor.lua
 * as a user would, which starts `async-doctor lsp` for a buffer of the example crate.
 */
describe("Neovim with editors/neovim/async-doctor.lua", () => {
  it("shows findings for an unsaved buffer and applies the quick fix", async () => {
    if (!editorAvailable("nvim", "apt-get install neovim")) return;
    const scratch = mkdtempSync(path.join(os.tmpdir(), "async-doctor-nvim-"));
    const main = path.join(exampleCrate, "src/main.rs");
    const before = readFileSync(main, "utf8");
    try {
      const out = path.join(scratch, "result.json");
      const command = `{ ${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(projectRoot, "bin/async-doctor.js"))}, "lsp" }`;
      const { code, stderr } = await runEditor(
        "nvim",
        ["--headless", "-u", "NONE", "-i", "NONE", "-n", "--cmd", `lua vim.g.async_doctor = { cmd = ${command} }`, "-c", `luafile ${path.join(projectRoot, "test/lsp/nvim/drive.lua")}`],
        {
          cwd: scratch,
          timeoutMs: 200_000,
          env: {
            ASYNC_DOCTOR_NVIM_OUT: out,
            ASYNC_DOCTOR_NVIM_FILE: main,
            ASYNC_DOCTOR_NVIM_CONFIG: path.join(projectRoot, "editors/neovim/async-doctor.lua"),
            XDG_CONFIG_HOME: path.join(scratch, "config"),
            XDG_DATA_HOME: path.join(scratch, "data"),
            XDG_STATE_HOME: path.join(scratch, "state"),
            XDG_CACHE_HOME: path.join(scratch, "cache"),
          },
        },
      );
      expect(code, stderr).toBe(0);
      const result = JSON.parse(readFileSync(out, "utf8")) as NvimResult;
      expect(result.error).toBeUndefined();
      expect(result.filetype).toBe("rust");
      expect(result.client).toBe("async-doctor");
      const sleepLine = lineOf(before, "std::thread::sleep");
      expect(result.initial).toEqual(expect.arrayContaining([expect.objectContaining({ lnum: sleepLine, code: "blocking-in-async", source: "async-doctor" })]));
      // The inserted line got its own finding, from the unsaved buffer.
      expect(result.modified).toBe(true);
      const edited = result.after_edit.find((d) => d.lnum === result.edited_line && d.code === "blocking-in-async");
      expect(edited?.message).toMatch(/^`std::thread::sleep` blocks the runtime in async fn `report_stats`/);
      expect(result.actions).toEqual(expect.arrayContaining(["async-doctor: replace with `tokio::time::sleep(…).await`", "async-doctor: allow `blocking-in-async` here"]));
      expect(result.fixed_line).toBe("        tokio::time::sleep(Duration::from_millis(5)).await;");
      expect(result.after_fix.some((d) => d.lnum === result.edited_line)).toBe(false);
      // Neovim quit without saving: the example on disk is as it was.
      expect(readFileSync(main, "utf8")).toBe(before);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 240_000);
});
