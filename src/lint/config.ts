import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { UsageError } from "../cli/errors.ts";
import type { Severity } from "./finding.ts";

export interface LintConfig {
  /** Per rule: "off" or a severity overriding the default. */
  rules: Record<string, "off" | Severity>;
  /** Extra blocking functions (full path or last segment), reported like std's. */
  blockingFunctions: string[];
  /** Project helpers that run their closure argument off the executor (like spawn_blocking). */
  safeWrappers: string[];
  /** Where the config came from, for messages. */
  source?: string;
}

/** zod costs ~80 ms to load: only a run that has a config file pays for it. */
async function configSchema() {
  const { z } = await import("zod");
  return z
    .object({
      rules: z.record(z.string(), z.enum(["off", "note", "warning", "error", "allow", "warn", "deny"])).optional(),
      blocking: z
        .object({
          functions: z.array(z.string()).optional(),
          "safe-wrappers": z.array(z.string()).optional(),
        })
        .strict()
        .optional(),
    })
    .strict();
}

export const defaultConfig: LintConfig = { rules: {}, blockingFunctions: [], safeWrappers: [] };

/**
 * Reads `async-doctor.toml`, or `[package.metadata.async-doctor]` / `[workspace.metadata.async-doctor]`
 * in Cargo.toml, from an explicit file or the nearest one above `start`.
 */
export async function loadConfig(explicit: string | undefined, start: string, knownRules: Set<string>): Promise<LintConfig> {
  if (explicit) return readConfigFile(explicit, knownRules, true);
  let dir = path.resolve(start);
  if (existsSync(dir) && !(await isDirectory(dir))) dir = path.dirname(dir);
  for (;;) {
    const own = path.join(dir, "async-doctor.toml");
    if (existsSync(own)) return readConfigFile(own, knownRules, true);
    const cargo = path.join(dir, "Cargo.toml");
    if (existsSync(cargo)) {
      const found = await readConfigFile(cargo, knownRules, false);
      if (found.source) return found;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return defaultConfig;
    dir = parent;
  }
}

async function isDirectory(file: string): Promise<boolean> {
  const { stat } = await import("node:fs/promises");
  return (await stat(file)).isDirectory();
}

async function readConfigFile(file: string, knownRules: Set<string>, standalone: boolean): Promise<LintConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(`cannot read config file ${file}`);
  }
  let data: unknown;
  try {
    data = parseToml(text);
  } catch (error) {
    throw new UsageError(`invalid TOML in ${file}: ${(error as Error).message.split("\n")[0]}`);
  }
  let section: unknown = data;
  if (!standalone || path.basename(file) === "Cargo.toml") {
    const table = data as { package?: { metadata?: Record<string, unknown> }; workspace?: { metadata?: Record<string, unknown> } };
    section = table.package?.metadata?.["async-doctor"] ?? table.workspace?.metadata?.["async-doctor"];
    if (section === undefined) return defaultConfig;
  }
  const parsed = (await configSchema()).safeParse(section);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`invalid async-doctor config in ${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const rules: LintConfig["rules"] = {};
  for (const [id, level] of Object.entries(parsed.data.rules ?? {})) {
    if (!knownRules.has(id)) throw new UsageError(`unknown rule '${id}' in ${file} (see \`async-doctor lint --list-rules\`)`);
    rules[id] = level === "allow" || level === "off" ? "off" : level === "deny" || level === "error" ? "error" : level === "note" ? "note" : "warning";
  }
  return {
    rules,
    blockingFunctions: parsed.data.blocking?.functions ?? [],
    safeWrappers: parsed.data.blocking?.["safe-wrappers"] ?? [],
    source: file,
  };
}
