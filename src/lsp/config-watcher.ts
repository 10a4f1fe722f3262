import { watch, type FSWatcher } from "node:fs";
import path from "node:path";

export interface ConfigWatch {
  /** Watch the folders of the current scopes (after workspace folders changed). */
  refresh(): void;
  close(): void;
}

const watchedNames = new Set(["async-doctor.toml", "Cargo.toml"]);

/**
 * For clients that cannot watch files for the server (no dynamic `didChangeWatchedFiles`): watches
 * each scope's folder and the folder of each config file in use, not recursively, for changes to
 * `async-doctor.toml` and `Cargo.toml`. Events come in bursts (editors write, rename, chmod): they
 * are gathered for 100 ms and reported once.
 */
export function watchConfigFiles(scopes: () => Array<{ root: string; source: string | undefined }>, onChange: (files: string[]) => void): ConfigWatch {
  const watchers = new Map<string, FSWatcher>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const files = [...pending];
    pending.clear();
    if (files.length > 0) onChange(files);
  };
  const refresh = () => {
    const folders = new Set<string>();
    for (const scope of scopes()) {
      folders.add(scope.root);
      if (scope.source) folders.add(path.dirname(scope.source));
    }
    for (const [folder, watcher] of watchers) {
      if (!folders.has(folder)) {
        watcher.close();
        watchers.delete(folder);
      }
    }
    for (const folder of folders) {
      if (watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, { persistent: false }, (_event, name) => {
          if (!name || !watchedNames.has(path.basename(name.toString()))) return;
          pending.add(path.join(folder, name.toString()));
          if (timer) clearTimeout(timer);
          timer = setTimeout(flush, 100);
        });
        watcher.on("error", () => watcher.close());
        watchers.set(folder, watcher);
      } catch {
        // A folder that cannot be watched (gone, no permission) is left unwatched.
      }
    }
  };
  refresh();
  return {
    refresh,
    close() {
      if (timer) clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
