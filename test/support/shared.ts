import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (where package.json is). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The real-data fixtures (console-subscriber recordings and gRPC streams, panic logs, demangling
 * vectors) live in the repository, copied verbatim from the workspace's shared set (see
 * test/fixtures/shared/ORIGIN.md), so a fresh clone with nothing beside it runs every test.
 */
export const sharedFixturesRoot = path.join(projectRoot, "test/fixtures/shared");

export function sharedFixture(...parts: string[]): string {
  const file = path.join(sharedFixturesRoot, ...parts);
  if (!existsSync(file)) throw new Error(`fixture missing: ${file}`);
  return file;
}
