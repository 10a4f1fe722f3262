/**
 * Which directories the tools may read. With `useClientRoots` (stdio), the client's roots
 * (`roots/list`, file:// URIs) when it declares the roots capability and lists at least one; otherwise
 * the `--root` directories; otherwise the current directory. The client's list is re-read after a
 * `notifications/roots/list_changed`.
 */
import { fileURLToPath } from "node:url";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { RootsListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { PathGuard } from "./path-guard.ts";

export class RootProvider {
  private cached: Promise<PathGuard> | undefined;
  private fallback: Promise<PathGuard> | undefined;

  constructor(
    private readonly server: Server,
    private readonly configured: readonly string[],
    private readonly useClientRoots: boolean,
  ) {
    if (useClientRoots) {
      server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
        this.cached = undefined;
      });
    }
  }

  /** The dirs used when the client gives none. */
  fallbackGuard(): Promise<PathGuard> {
    this.fallback ??= PathGuard.create(this.configured.length > 0 ? this.configured : [process.cwd()]);
    return this.fallback;
  }

  guard(): Promise<PathGuard> {
    if (!this.useClientRoots || !this.server.getClientCapabilities()?.roots) return this.fallbackGuard();
    this.cached ??= this.fromClient().catch(() => {
      this.cached = undefined;
      return this.fallbackGuard();
    });
    return this.cached;
  }

  private async fromClient(): Promise<PathGuard> {
    const { roots } = await this.server.listRoots(undefined, { timeout: 10_000 });
    const dirs = roots.filter((r) => r.uri.startsWith("file://")).map((r) => fileURLToPath(r.uri));
    if (dirs.length === 0) return this.fallbackGuard();
    return PathGuard.create(dirs);
  }
}
