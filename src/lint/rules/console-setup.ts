import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import type { CrateCheckContext, LintRule } from "../rule.ts";

type Table = Record<string, unknown>;

async function readToml(file: string): Promise<{ text: string; data: Table } | undefined> {
  try {
    const text = await readFile(file, "utf8");
    return { text, data: parseToml(text) as Table };
  } catch {
    return undefined;
  }
}

/** Does any .cargo/config(.toml) from the crate up to / set `--cfg tokio_unstable`? */
async function rustflagsHaveTokioUnstable(crateRoot: string): Promise<boolean> {
  for (let dir = crateRoot; ; dir = path.dirname(dir)) {
    for (const name of ["config.toml", "config"]) {
      const file = path.join(dir, ".cargo", name);
      if (!existsSync(file)) continue;
      const text = await readFile(file, "utf8").catch(() => "");
      if (/tokio_unstable/.test(text.replace(/#.*$/gm, ""))) return true;
    }
    if (path.dirname(dir) === dir) return false;
  }
}

function tokioFeatures(manifest: Table, workspace: Table | undefined): string[] | undefined {
  const deps = (manifest.dependencies ?? {}) as Table;
  let tokio = deps.tokio as Table | string | undefined;
  if (tokio && typeof tokio === "object" && tokio.workspace === true) {
    const own = (tokio.features as string[] | undefined) ?? [];
    const wsDeps = ((workspace?.workspace as Table | undefined)?.dependencies ?? {}) as Table;
    const base = wsDeps.tokio;
    const baseFeatures = base && typeof base === "object" ? ((base as Table).features as string[] | undefined) ?? [] : [];
    return [...own, ...baseFeatures];
  }
  if (tokio === undefined) return undefined;
  if (typeof tokio === "string") return [];
  return (tokio.features as string[] | undefined) ?? [];
}

function lineOf(text: string, needle: RegExp): number {
  const index = text.search(needle);
  return index === -1 ? 1 : text.slice(0, index).split("\n").length;
}

async function checkCrate(context: CrateCheckContext): Promise<void> {
  const root = context.crate.root;
  if (!root) return;
  const manifestPath = path.join(root, "Cargo.toml");
  const manifest = await readToml(manifestPath);
  if (!manifest) return;
  const hasConsole = (deps: unknown) => typeof deps === "object" && deps !== null && ("console-subscriber" in deps || "console_subscriber" in deps);
  // `[target.'cfg(tokio_unstable)'.dependencies]` is a common opt-in: console-subscriber is only built
  // when the flag is set (`RUSTFLAGS="--cfg tokio_unstable" cargo run`), so the flag is not missing.
  const targets = Object.entries((manifest.data.target ?? {}) as Table);
  const inTargets = targets.filter(([, table]) => hasConsole((table as Table | undefined)?.dependencies));
  const direct = hasConsole(manifest.data.dependencies);
  if (!direct && inTargets.length === 0) return;
  const gatedOnFlag = !direct && inTargets.every(([cfg]) => /\btokio_unstable\b/.test(cfg));
  let workspace: Table | undefined;
  for (let dir = path.dirname(root); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = await readToml(path.join(dir, "Cargo.toml"));
    if (candidate?.data.workspace) {
      workspace = candidate.data;
      break;
    }
  }
  const problems: string[] = [];
  if (!gatedOnFlag && !(await rustflagsHaveTokioUnstable(root)) && !/tokio_unstable/.test(process.env.RUSTFLAGS ?? "")) {
    problems.push("tokio is not built with `--cfg tokio_unstable` (no `.cargo/config.toml` with `rustflags = [\"--cfg\", \"tokio_unstable\"]` above the crate), so it emits no task instrumentation");
  }
  const features = tokioFeatures(manifest.data, workspace);
  if (features !== undefined && !features.includes("tracing")) {
    problems.push("tokio's `tracing` feature is not enabled (`full` does not include it), so console-subscriber sees no tasks");
  }
  if (problems.length === 0) return;
  const file = path.relative(process.cwd(), manifestPath) || manifestPath;
  const line = lineOf(manifest.text, /^\s*console[-_]subscriber\b/m);
  const lineText = manifest.text.split("\n")[line - 1] ?? "";
  context.report({
    file: file.startsWith("..") ? manifestPath : file,
    line,
    column: 1,
    endLine: line,
    endColumn: [...lineText].length + 1,
    startOffset: 0,
    endOffset: 0,
    message: `console-subscriber is a dependency but ${problems.join("; and ")}: tokio-console will connect and show no tasks`,
    help: "add `.cargo/config.toml` with `[build]\\nrustflags = [\"--cfg\", \"tokio_unstable\"]` and enable tokio's `tracing` feature (`tokio = { version = \"1\", features = [\"full\", \"tracing\"] }`)",
  });
}

export const consoleSetup: LintRule = {
  id: "console-setup",
  defaultSeverity: "warning",
  summary: "console-subscriber used without --cfg tokio_unstable or tokio's tracing feature",
  checkCrate,
};
