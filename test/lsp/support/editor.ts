import { execFileSync, spawn } from "node:child_process";

/**
 * Whether an editor binary runs here. In CI a missing editor fails the test (`.ci/run` installs
 * Debian's neovim and emacs-nox + elpa-eglot); on a developer machine without it the test is skipped.
 */
export function editorAvailable(binary: string, installHint: string): boolean {
  try {
    execFileSync(binary, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    if (process.env.CI) throw new Error(`${binary} missing in CI: ${installHint} (see .ci/run)`);
    return false;
  }
}

/** Runs an editor headless to completion; resolves with its exit code and stderr. */
export function runEditor(binary: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
