import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "./shared.ts";

const run = promisify(execFile);

/** Root of the Rust fixture crates; they share test/fixtures/rust/.cargo/config.toml and its target dir. */
export const rustFixturesRoot = path.join(projectRoot, "test/fixtures/rust");
export const rustTargetDir = path.join(rustFixturesRoot, "target");

export function cargoAvailable(): boolean {
  return (
    existsSync("/usr/share/cargo/registry") &&
    [process.env.CARGO_HOME ?? "", path.join(process.env.HOME ?? "", ".cargo"), "/usr"].some((dir) =>
      existsSync(path.join(dir, "bin", "cargo")),
    )
  );
}

/**
 * Real Rust fixtures must not be skipped silently in CI: there a missing toolchain or crate registry
 * is an error. On a developer machine without them the caller may skip (returns false).
 */
export function requireCargo(): boolean {
  if (cargoAvailable()) return true;
  if (process.env.CI) {
    throw new Error("cargo or /usr/share/cargo/registry missing in CI: run scripts/setup-rust.sh");
  }
  return false;
}

export interface CargoResult {
  stdout: string;
  stderr: string;
}

/** Runs cargo in a fixture crate (a folder under test/fixtures/rust) with the shared offline config. */
export async function cargo(crate: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CargoResult> {
  const cwd = path.isAbsolute(crate) ? crate : path.join(rustFixturesRoot, crate);
  const cargoBin = process.env.CARGO ?? "cargo";
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CARGO_TARGET_DIR: rustTargetDir, ...env };
  // A RUSTFLAGS variable would override the config's `--cfg tokio_unstable`.
  delete childEnv.RUSTFLAGS;
  const { stdout, stderr } = await run(cargoBin, args, {
    cwd,
    env: childEnv,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { stdout, stderr };
}

/** Path of a binary built by `cargo build [--release]` in the shared target dir. */
export function fixtureBinary(name: string, profile: "debug" | "release" = "debug"): string {
  return path.join(rustTargetDir, profile, name);
}
