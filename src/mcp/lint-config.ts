import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { defaultConfig, loadConfig, type LintConfig } from "../lint/config.ts";
import { ruleIds } from "../lint/rules/index.ts";
import type { PathGuard } from "./roots/path-guard.ts";

/**
 * The lint config found upward from the first path, as `lintPaths` would find it, but the search stops
 * at the root that holds the path: a config file outside the roots is never read.
 */
export async function configInsideRoots(start: string, guard: PathGuard): Promise<LintConfig> {
  let dir = (await stat(start)).isDirectory() ? start : path.dirname(start);
  for (;;) {
    if (!guard.contains(dir)) return defaultConfig;
    for (const name of ["async-doctor.toml", "Cargo.toml"]) {
      const file = path.join(dir, name);
      if (!existsSync(file)) continue;
      const checked = await guard.check(file, "file").catch(() => undefined);
      if (!checked) continue;
      const config = await loadConfig(checked.real, dir, ruleIds);
      if (name === "async-doctor.toml" || config.source) return config;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return defaultConfig;
    dir = parent;
  }
}

