import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PathAccessError, PathGuard } from "../../src/mcp/roots/path-guard.ts";
import { isLoopbackHost, resolveConsoleTarget } from "../../src/mcp/console-target.ts";

let base: string;
let root: string;
let guard: PathGuard;

beforeAll(async () => {
  base = mkdtempSync(path.join(os.tmpdir(), "mcp-guard-"));
  root = path.join(base, "root");
  mkdirSync(path.join(root, "src"), { recursive: true });
  writeFileSync(path.join(root, "src", "lib.rs"), "async fn f() {}\n");
  mkdirSync(path.join(base, "root-evil"));
  writeFileSync(path.join(base, "root-evil", "secret.rs"), "secret\n");
  writeFileSync(path.join(base, "secret.txt"), "secret\n");
  symlinkSync(path.join(base, "secret.txt"), path.join(root, "link-out.txt"));
  symlinkSync(path.join(base, "root-evil"), path.join(root, "dir-out"));
  symlinkSync(path.join(root, "src", "lib.rs"), path.join(root, "link-in.rs"));
  guard = await PathGuard.create([root]);
});

async function refused(given: string): Promise<string> {
  const error = await guard.check(given).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, given).toBeInstanceOf(PathAccessError);
  return (error as Error).message;
}

describe("PathGuard", () => {
  it("allows files and folders inside the root, relative or absolute, and symlinks that stay inside", async () => {
    expect((await guard.check("src/lib.rs")).kind).toBe("file");
    expect((await guard.check(path.join(root, "src"))).kind).toBe("directory");
    expect((await guard.check(".")).real).toBe(guard.roots[0]);
    expect((await guard.check("link-in.rs")).real).toBe(path.join(guard.roots[0]!, "src", "lib.rs"));
    expect((await guard.check("src/../src/lib.rs", "file")).kind).toBe("file");
    writeFileSync(path.join(root, "..dotdot.rs"), "");
    expect((await guard.check("..dotdot.rs", "file")).kind).toBe("file");
  });

  it("refuses path traversal, absolute paths outside, and a sibling that only shares the prefix", async () => {
    expect(await refused("../secret.txt")).toMatch(/outside the allowed roots/);
    expect(await refused("src/../../secret.txt")).toMatch(/outside/);
    expect(await refused(path.join(base, "secret.txt"))).toMatch(/outside/);
    expect(await refused(path.join(base, "root-evil", "secret.rs"))).toMatch(/outside/);
    expect(await refused("/etc/passwd")).toMatch(/outside/);
  });

  it("refuses symlinks that lead out of the root (file and folder), and files under them", async () => {
    expect(await refused("link-out.txt")).toMatch(/outside/);
    expect(await refused("dir-out")).toMatch(/outside/);
    expect(await refused("dir-out/secret.rs")).toMatch(/outside/);
  });

  it("does not reveal whether a path outside the roots exists", async () => {
    const missing = await refused(path.join(base, "no-such-file"));
    const existing = await refused(path.join(base, "secret.txt"));
    expect(missing.replace(/\S*no-such-file/, "X")).toBe(existing.replace(/\S*secret\.txt/, "X"));
  });

  it("says the same for a symlink out of the root whether its target exists or not (D11)", async () => {
    symlinkSync(path.join(base, "no-such-target"), path.join(root, "link-missing.txt"));
    const missing = await refused("link-missing.txt");
    const existing = await refused("link-out.txt");
    expect(missing.replace("link-missing.txt", "X")).toBe(existing.replace("link-out.txt", "X"));
    expect((await refused("src/no-such.rs")).replace("src/no-such.rs", "X")).toBe(existing.replace("link-out.txt", "X"));
  });

  it("accepts a unix: console target only for a socket inside the roots (D11)", async () => {
    const net = await import("node:net");
    const inside = path.join(root, "console.sock");
    const server = net.createServer().listen(inside);
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      expect(await resolveConsoleTarget(`unix:${inside}`, guard, false)).toEqual({ kind: "live", target: `unix:${path.join(guard.roots[0]!, "console.sock")}` });
      const outsideMessage = await resolveConsoleTarget(`unix:${path.join(base, "secret.txt")}`, guard, false).then(() => "accepted", (e: Error) => e.message);
      const missingMessage = await resolveConsoleTarget(`unix:${path.join(base, "missing.sock")}`, guard, false).then(() => "accepted", (e: Error) => e.message);
      expect(outsideMessage).toMatch(/outside the allowed roots/);
      expect(outsideMessage.replace(/\S*secret\.txt/, "X")).toBe(missingMessage.replace(/\S*missing\.sock/, "X"));
      await expect(resolveConsoleTarget("unix:src/lib.rs", guard, false)).rejects.toThrow(/is a file, expected a socket/);
    } finally {
      server.close();
    }
  });

  it("rejects NUL bytes, the wrong kind, and everything when there is no root", async () => {
    expect(await refused("src/lib.rs\0.txt")).toMatch(/NUL/);
    await expect(guard.check("src", "file")).rejects.toThrow(/is a directory, expected a file/);
    const none = await PathGuard.create([path.join(base, "does-not-exist")]);
    expect(none.roots).toEqual([]);
    await expect(none.check(path.join(root, "src", "lib.rs"))).rejects.toThrow(/no roots are allowed/);
  });
});

describe("console targets", () => {
  it("knows loopback hosts", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["10.0.0.1", "0.0.0.0", "example.com", "localhost.evil.com", "::", "128.0.0.1"]) expect(isLoopbackHost(host), host).toBe(false);
  });

  it("refuses remote targets unless allowed, accepts loopback and unix sockets, and guards files", async () => {
    await expect(resolveConsoleTarget("10.0.0.1:6669", guard, false)).rejects.toThrow(/only loopback/);
    await expect(resolveConsoleTarget("http://example.com:6669", guard, false)).rejects.toThrow(/only loopback/);
    expect(await resolveConsoleTarget("http://example.com:6669", guard, true)).toEqual({ kind: "live", target: "http://example.com:6669" });
    expect(await resolveConsoleTarget("127.0.0.1:6669", guard, false)).toMatchObject({ kind: "live" });
    await expect(resolveConsoleTarget("unix:/tmp/console.sock", guard, false)).rejects.toThrow(/outside the allowed roots/);
    await expect(resolveConsoleTarget("../secret.txt", guard, false)).rejects.toThrow(/outside/);
    expect(await resolveConsoleTarget("src/lib.rs", guard, false)).toMatchObject({ kind: "file", path: path.join(guard.roots[0]!, "src", "lib.rs") });
  });

  it("refuses a .grpc body whose companion files (read with it) are symlinks out of the roots", async () => {
    const dir = path.join(root, "console");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "app.watchupdates.grpc"), Buffer.alloc(10));
    writeFileSync(path.join(dir, "other.watchupdates.grpc"), Buffer.alloc(10));
    symlinkSync(path.join(base, "secret.txt"), path.join(dir, "app.taskdetails.leak.grpc"));
    await expect(resolveConsoleTarget("console/app.watchupdates.grpc", guard, false)).rejects.toThrow(/companion .* outside the allowed roots/);
    expect(await resolveConsoleTarget("console/other.watchupdates.grpc", guard, false)).toMatchObject({ kind: "file" });
  });
});
