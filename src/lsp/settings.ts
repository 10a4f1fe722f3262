import { availableParallelism } from "node:os";

export type DiagnosticsMode = "auto" | "push" | "pull";

/** What the client can set, in `initializationOptions` or under `asyncDoctor` in its settings. */
export interface ServerSettings {
  /** Push (`publishDiagnostics`), pull (`textDocument/diagnostic`) or auto: pull when the client can. */
  diagnostics: DiagnosticsMode;
  /** Quiet time after a keystroke before the buffer is analysed. */
  debounceMs: number;
  /** Quiet time before the whole-crate pass re-runs after an edit changed what a file offers its crate. */
  crateCheckDelayMs: number;
  /** `⟂ guard held` / `!Send` markers at await points (opt-in). */
  inlayHints: boolean;
  /** Worker threads for indexing (the main thread stays free for the editor). */
  jobs: number;
}

export const defaultSettings: ServerSettings = {
  diagnostics: "auto",
  debounceMs: 15,
  crateCheckDelayMs: 400,
  inlayHints: false,
  jobs: Math.max(1, availableParallelism() - 1),
};

/**
 * Reads settings leniently: unknown keys and values of the wrong type are ignored (and reported),
 * so one typo in an editor config does not stop the server. `initializationOptions` may hold the
 * settings themselves; editor settings nest them as `{ asyncDoctor: … }` or `{ "async-doctor": … }`.
 */
export function readSettings(raw: unknown, base: ServerSettings, warn: (message: string) => void, options: { nestedOnly: boolean }): ServerSettings {
  if (typeof raw !== "object" || raw === null) return base;
  const record = raw as Record<string, unknown>;
  const nested = record.asyncDoctor ?? record["async-doctor"];
  // Editors send every server's settings in one object: without our section there is nothing for us.
  if ((typeof nested !== "object" || nested === null) && options.nestedOnly) return base;
  const source = (typeof nested === "object" && nested !== null ? nested : record) as Record<string, unknown>;
  const settings = { ...base };
  for (const [key, value] of Object.entries(source)) {
    switch (key) {
      case "diagnostics":
        if (value === "auto" || value === "push" || value === "pull") settings.diagnostics = value;
        else warn(`setting diagnostics: expected "auto", "push" or "pull", got ${JSON.stringify(value)}`);
        break;
      case "debounceMs":
      case "crateCheckDelayMs":
        if (typeof value === "number" && value >= 0 && value <= 60_000) settings[key] = value;
        else warn(`setting ${key}: expected milliseconds (0-60000), got ${JSON.stringify(value)}`);
        break;
      case "jobs":
        if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 64) settings.jobs = value;
        else warn(`setting jobs: expected a whole number of worker threads (0 = none), got ${JSON.stringify(value)}`);
        break;
      case "inlayHints":
        if (typeof value === "boolean") settings.inlayHints = value;
        else warn(`setting inlayHints: expected true or false, got ${JSON.stringify(value)}`);
        break;
      case "command":
        // The client's own setting (how it starts this server), sent along with the others.
        break;
      default:
        warn(`unknown setting ${key}`);
    }
  }
  return settings;
}
