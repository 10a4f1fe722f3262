import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { SyntaxNode } from "../../rust/parser.ts";
import { attributesOf } from "../../rust/syntax.ts";
import type { ConsoleInitFact } from "../facts.ts";
import type { CrateCheckContext, FileCheckContext, LintRule } from "../rule.ts";

type Table = Record<string, unknown>;

async function readToml(file: string): Promise<{ text: string; data: Table } | undefined> {
  try {
    const text = await readFile(file, "utf8");
    const { parse: parseToml } = await import("smol-toml"); // only crates with a manifest pay for the parser
    return { text, data: parseToml(text) as Table };
  } catch {
    return undefined;
  }
}

/** Does any .cargo/config(.toml) from the crate up to / set `--cfg tokio_unstable` (or console-subscriber's own opt-out)? */
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

/** `#[cfg(all(feature = "console", tokio_unstable))]`: the flag is required, not negated. */
const cfgRequiresTokioUnstable = /^cfg\s*\((?!.*not\s*\(\s*tokio_unstable).*\btokio_unstable\b/s;
/** console-subscriber's entry points that build its layer, which asserts `cfg!(tokio_unstable)`. */
const consoleEntry = /^console_subscriber::(init|spawn|build|ConsoleLayer::(builder|new|build)|Builder::(default|new)|Server::builder)$/;

/** Pass 1: where the crate starts console-subscriber, and whether that code only exists with `--cfg tokio_unstable`. */
function collectInits(call: SyntaxNode, context: FileCheckContext): void {
  const { model, facts } = context;
  const target = model.resolveCall(call);
  if (target?.kind !== "path") return;
  const path = target.segments.join("::");
  if (!consoleEntry.test(path)) return;
  let gated = false;
  for (const ancestor of [call, ...model.ancestors(call)]) {
    if (attributesOf(ancestor).some((a) => cfgRequiresTokioUnstable.test(a))) gated = true;
    if (ancestor.type === "if_expression" && /cfg!\s*\(\s*tokio_unstable\s*\)/.test(ancestor.childForFieldName("condition")?.text ?? "")) gated = true;
    if (gated) break;
  }
  const fact: ConsoleInitFact = { line: model.position(call).line, call: path, gatedOnTokioUnstable: gated };
  (facts.consoleInits ??= []).push(fact);
}

const dependencyTable = /^\s*\[\s*(dependencies|target\.[^\]]*\.dependencies)\s*\]\s*(#.*)?$/;
const dependencyKeyTable = /^\s*\[\s*(dependencies|target\.[^\]]*\.dependencies)\.console[-_]subscriber\s*\]/;

/** The `console-subscriber` line of a dependency table (not `[features]`, not dev-dependencies). */
function dependencyLine(text: string): number {
  let inDependencies = false;
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    if (dependencyKeyTable.test(line)) return index + 1;
    if (/^\s*\[/.test(line)) {
      inDependencies = dependencyTable.test(line);
      continue;
    }
    if (inDependencies && /^\s*["']?console[-_]subscriber["']?\s*=/.test(line)) return index + 1;
  }
  return 1;
}

/** Features that turn on an optional console-subscriber (`console = ["dep:console-subscriber"]`). */
function enablingFeatures(manifest: Table): string[] {
  const features = (manifest.features ?? {}) as Record<string, unknown>;
  return Object.entries(features)
    .filter(([, enables]) => Array.isArray(enables) && enables.some((e) => typeof e === "string" && /^(dep:)?console[-_]subscriber(\/|$)/.test(e)))
    .map(([name]) => name)
    .filter((name) => !/^console[-_]subscriber$/.test(name));
}

async function checkCrate(context: CrateCheckContext): Promise<void> {
  const root = context.crate.root;
  if (!root) return;
  const manifestPath = path.join(root, "Cargo.toml");
  const manifest = await readToml(manifestPath);
  if (!manifest) return;
  const entryOf = (deps: unknown) => (typeof deps === "object" && deps !== null ? ((deps as Table)["console-subscriber"] ?? (deps as Table)["console_subscriber"]) : undefined);
  // `[target.'cfg(tokio_unstable)'.dependencies]` is a common opt-in: console-subscriber is only built
  // when the flag is set (`RUSTFLAGS="--cfg tokio_unstable" cargo run`), so the flag is not missing.
  const targets = Object.entries((manifest.data.target ?? {}) as Table);
  const inTargets = targets.filter(([, table]) => entryOf((table as Table | undefined)?.dependencies) !== undefined);
  const direct = entryOf(manifest.data.dependencies);
  if (direct === undefined && inTargets.length === 0) return;
  if (direct === undefined && inTargets.every(([cfg]) => /\btokio_unstable\b/.test(cfg))) return;
  if (/tokio_unstable/.test(process.env.RUSTFLAGS ?? "") || (await rustflagsHaveTokioUnstable(root))) return;
  // Code that starts console-subscriber only under `#[cfg(tokio_unstable)]` cannot hit its assertion.
  const inits = context.crate.files.flatMap((file) => (file.consoleInits ?? []).map((init) => ({ ...init, file: file.file })));
  const ungated = inits.filter((init) => !init.gatedOnTokioUnstable);
  if (inits.length > 0 && ungated.length === 0) return;

  const optional = typeof direct === "object" && direct !== null && (direct as Table).optional === true;
  const features = optional ? enablingFeatures(manifest.data) : [];
  const when = optional ? ` (when ${features.length > 0 ? `the ${features.map((f) => `\`${f}\``).join(" or ")} feature is` : "it is"} enabled)` : "";
  const first = ungated[0];
  const where = first ? `the console layer started at ${first.file}:${first.line} (\`${first.call}()\`)` : "its `init()`/`spawn()`";
  const file = path.relative(process.cwd(), manifestPath) || manifestPath;
  const line = dependencyLine(manifest.text);
  const lineText = manifest.text.split("\n")[line - 1] ?? "";
  context.report({
    file: file.startsWith("..") ? manifestPath : file,
    line,
    column: 1,
    endLine: line,
    endColumn: [...lineText].length + 1,
    startOffset: 0,
    endOffset: 0,
    message: `console-subscriber is a dependency${when} but tokio is not built with \`--cfg tokio_unstable\` (no \`.cargo/config.toml\` with \`rustflags = ["--cfg", "tokio_unstable"]\` above the crate, no RUSTFLAGS): ${where} panics at start-up ("task tracing requires Tokio to be built with RUSTFLAGS="--cfg tokio_unstable"!")`,
    help: "add `.cargo/config.toml` with `[build]\\nrustflags = [\"--cfg\", \"tokio_unstable\"]` (or build with `RUSTFLAGS=\"--cfg tokio_unstable\"`), or start console-subscriber only under the flag (`#[cfg(tokio_unstable)] console_subscriber::init();`, or the dependency in `[target.'cfg(tokio_unstable)'.dependencies]`); tokio's `tracing` feature needs nothing: console-subscriber turns it on",
  });
}

export const consoleSetup: LintRule = {
  id: "console-setup",
  defaultSeverity: "warning",
  summary: "console-subscriber started without --cfg tokio_unstable (it panics at start-up)",
  visitors: { call_expression: collectInits },
  checkCrate,
};
