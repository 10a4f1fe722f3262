import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { analyseLog } from "../../src/trace/analyse.ts";
import { demangle } from "../../src/trace/demangle/index.ts";
import { cargo, requireCargo, rustFixturesRoot, rustTargetDir } from "../support/rust.ts";

/**
 * Builds test/fixtures/rust/panic-chains in debug, release and v0-mangled builds, runs each scenario with
 * RUST_BACKTRACE=1 and full, and checks the chain against the `// CHAIN:` markers of the program's source
 * (an independent record of which function awaits where). Then compares the demangler with binutils'
 * c++filt on every Rust symbol of those binaries.
 */

const crateDir = path.join(rustFixturesRoot, "panic-chains");
const v0Flags = 'build.rustflags=["--cfg", "tokio_unstable", "-C", "symbol-mangling-version=v0"]';
const variants = {
  debug: path.join(rustTargetDir, "debug", "panic-chains"),
  release: path.join(rustTargetDir, "release", "panic-chains"),
  v0: path.join(rustTargetDir, "v0", "debug", "panic-chains"),
} as const;

const haveCargo = requireCargo();

function markers(): Map<string, number> {
  const lines = readFileSync(path.join(crateDir, "src/main.rs"), "utf8").split("\n");
  const out = new Map<string, number>();
  lines.forEach((line, i) => {
    const m = /\/\/ ((?:CHAIN|BLOCKING|MAIN|TEST):\w+)/.exec(line);
    if (m) out.set(m[1], i + 1);
  });
  return out;
}

function runScenario(binary: string, scenario: string, backtrace: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(binary, [scenario], { cwd: crateDir, env: { ...process.env, RUST_BACKTRACE: backtrace } }, (_error, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
}

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 512 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** [kind pattern, fn name, marker] innermost first. */
const expected: Record<string, Array<[RegExp, string, string]>> = {
  spawn: [
    [/^closure$/, "<panic_chains::MemStore as panic_chains::Store>::load", "CHAIN:closure"],
    [/^trait method through a boxed future$/, "<panic_chains::MemStore as panic_chains::Store>::load", "CHAIN:load"],
    [/^async fn$/, "panic_chains::fetch_generic", "CHAIN:fetch_generic"],
    [/^async block$/, "panic_chains::handle_request", "CHAIN:handle_request_block"],
    [/^async fn$/, "panic_chains::handle_request", "CHAIN:handle_request"],
    [/^select! branch$/, "panic_chains::worker", "CHAIN:worker"],
    [/^async fn$/, "panic_chains::worker", "CHAIN:worker"],
    [/^spawned task root$/, "panic_chains::main", "CHAIN:task"],
  ],
  blocking: [
    [/^fn$/, "panic_chains::crunch", "BLOCKING:crunch"],
    [/^spawn_blocking closure$/, "panic_chains::offload", "BLOCKING:closure"],
  ],
  main: [
    [/^async fn$/, "panic_chains::leaf", "MAIN:leaf"],
    [/^async fn$/, "panic_chains::middle", "MAIN:middle"],
    [/^async fn$/, "panic_chains::outer", "MAIN:outer"],
    [/^async block$/, "panic_chains::main", "MAIN:block_on"],
    [/^fn$/, "panic_chains::main", "MAIN:block_on"],
  ],
};

describe.runIf(haveCargo)("panic-chains fixture program", () => {
  beforeAll(async () => {
    await cargo("panic-chains", ["build", "--quiet"]);
    await cargo("panic-chains", ["build", "--quiet", "--release"]);
    await cargo("panic-chains", ["build", "--quiet", "--config", v0Flags], { CARGO_TARGET_DIR: path.join(rustTargetDir, "v0") });
  });

  const marks = markers();
  for (const [variant, binary] of Object.entries(variants)) {
    for (const scenario of Object.keys(expected)) {
      for (const bt of ["1", "full"]) {
        it(`${variant} ${scenario} RUST_BACKTRACE=${bt}: chain names the right functions in order`, async () => {
          const log = await runScenario(binary, scenario, bt);
          const result = analyseLog(log, { roots: [crateDir] });
          const panics = result.panics.filter((p) => p.report.kind === "panic");
          expect(panics.length, log.slice(0, 400)).toBeGreaterThanOrEqual(1);
          const { chain, report, notes } = panics[0];
          // Frame names keep no hashes or crate disambiguators in any build.
          for (const f of report.backtrace!.frames) expect(f.demangled).not.toMatch(/::h[0-9a-f]{16}$|\w\[[0-9a-f]{6,16}\]/);
          const want = expected[scenario];
          expect(chain.map((l) => `${l.kind} ${l.name} :${l.line}`)).toEqual(
            want.map(([kind, name, marker]) => `${kind.source.replace(/^\^|\$$/g, "").replace(/\\/g, "")} ${name} :${marks.get(marker)}`),
          );
          // Source lines come from the fixture file itself.
          expect(chain[0].source).toContain(`// ${want[0][2]}`);
          if (scenario === "spawn") expect(notes.join(" ")).toMatch(/spawn site is not in this trace/);
          if (scenario === "blocking") expect(notes.join(" ")).toMatch(/spawn_blocking/);
        });
      }
    }
  }

  it("cargo test output: the panic is attached to its test and the chain runs from leaf to the test fn", async () => {
    let output = "";
    try {
      await cargo("panic-chains", ["test", "--quiet"], { RUST_BACKTRACE: "1" });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    }
    expect(output).toContain("---- tests::outer_panics_in_test stdout ----");
    const result = analyseLog(output, { roots: [crateDir] });
    const panics = result.panics.filter((p) => p.report.kind === "panic");
    expect(panics).toHaveLength(1);
    expect(panics[0].report.test).toBe("tests::outer_panics_in_test");
    const chain = panics[0].chain;
    expect(chain.slice(0, 3).map((l) => `${l.kind} ${l.name} :${l.line}`)).toEqual([
      `async fn panic_chains::leaf :${marks.get("MAIN:leaf")}`,
      `async fn panic_chains::middle :${marks.get("MAIN:middle")}`,
      `async fn panic_chains::outer :${marks.get("MAIN:outer")}`,
    ]);
    expect(chain[3].name).toBe("panic_chains::tests::outer_panics_in_test");
    expect(chain[3].line).toBe(marks.get("TEST:outer_panics_in_test"));
  });

  for (const [variant, binary] of Object.entries(variants)) {
    it(`demangler agrees with c++filt on every Rust symbol of the ${variant} binary`, async () => {
      const symbols = [...new Set((await run("nm", ["-j", binary])).split("\n").filter((s) => /^_?_(ZN|R[A-Z])/.test(s)))];
      expect(symbols.length).toBeGreaterThan(1000);
      const input = `${symbols.join("\n")}\n`;
      const long = (await run("c++filt", [], input)).split("\n");
      const short = (await run("c++filt", ["-i"], input)).split("\n");
      // Deliberate differences (we print what rustc-demangle prints): const generics `<16usize>`, `<false>`
      // where binutils prints `<16: usize>`, `<false: bool>`, and a kept `.N` LLVM suffix that binutils drops.
      const normalise = (s: string) =>
        s
          .replace(/(-?\d+): ([iu](?:8|16|32|64|128|size))\b/g, "$1$2")
          .replace(/(true|false|'(?:[^'\\]|\\.)*'): (bool|char)\b/g, "$1")
          .replace(/\.\d+$/, "");
      let deliberate = 0;
      symbols.forEach((sym, i) => {
        for (const [mine, theirs] of [
          [demangle(sym, { hash: true }), long[i]],
          [demangle(sym), short[i]],
        ]) {
          if (mine === theirs) continue;
          expect(normalise(mine), sym).toBe(normalise(theirs));
          deliberate++;
        }
      });
      expect(deliberate).toBeLessThan(symbols.length / 10);
    });
  }
});

/**
 * `debug = "line-tables-only"` release builds print DWARF names without module paths (`{async_fn#0}`,
 * `{closure#0}`, `crunch`): the kinds are exact, the names are recovered from the source.
 */
describe.runIf(haveCargo)("panic-chains fixture program, line-tables-only release build", () => {
  const binary = path.join(rustTargetDir, "lto", "release", "panic-chains");
  beforeAll(async () => {
    await cargo("panic-chains", ["build", "--quiet", "--release"], {
      CARGO_TARGET_DIR: path.join(rustTargetDir, "lto"),
      CARGO_PROFILE_RELEASE_DEBUG: "line-tables-only",
    });
  });

  const marks = markers();
  const lastSegment = (name: string) => name.split("::").pop()!;
  for (const scenario of Object.keys(expected)) {
    it(`${scenario}: kinds, names from the source, marker lines`, async () => {
      const log = await runScenario(binary, scenario, "1");
      const { chain, notes } = analyseLog(log, { roots: [crateDir] }).panics[0];
      expect(notes.join(" ")).toMatch(/line-tables-only/);
      expect(chain.map((l) => `${l.kind} ${l.name} :${l.line}`)).toEqual(
        expected[scenario].map(([kind, name, marker]) => {
          // Without a path, a trait impl is not visible: its boxed future is just a boxed future.
          const k = kind.source.replace(/^\^|\$$/g, "").replace(/\\/g, "").replace("trait method through a boxed future", "boxed future");
          return `${k} ${lastSegment(name)} :${marks.get(marker)}`;
        }),
      );
    });
  }
});
