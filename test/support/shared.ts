import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (where package.json is). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * ../shared beside the project root holds read-only reference data and fixtures. CI lays a copy
 * beside its clone; ASYNC_DOCTOR_SHARED overrides the location.
 */
export const sharedRoot = process.env.ASYNC_DOCTOR_SHARED ?? path.resolve(projectRoot, "../shared");

export function sharedFixture(...parts: string[]): string {
  const file = path.join(sharedRoot, "fixtures", ...parts);
  if (!existsSync(file)) throw new Error(`shared fixture missing: ${file}`);
  return file;
}
