import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteSink } from "../../src/trace/demangle/byte-sink.ts";
import { demangle, demangleInText, demangleLine, demangleLineInto, tryDemangle } from "../../src/trace/demangle/index.ts";
import { sharedFixture } from "../support/shared.ts";

interface Vector {
  mangled: string;
  display: string;
  alternate: string;
  cxxfilt?: string;
}

function readVectors(name: string): Vector[] {
  const lines = readFileSync(sharedFixture("demangle", name), "utf8").split("\n");
  // demangle_vectors.tsv has a header line; the all.* files do not.
  const body = lines[0].startsWith("mangled\t") ? lines.slice(1) : lines;
  return body
    .filter((l) => l !== "")
    .map((l) => {
      const [mangled, display, alternate, cxxfilt] = l.split("\t");
      return { mangled, display, alternate, cxxfilt };
    });
}

function hasCxxfilt(): boolean {
  try {
    execFileSync("c++filt", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

describe("demangler against rustc-demangle's vectors", () => {
  for (const file of ["demangle_vectors.tsv", "all.legacy.debug.demangled.tsv", "all.v0.debug.demangled.tsv"]) {
    it(`matches {} and {:#} on every symbol of ${file}`, () => {
      const vectors = readVectors(file);
      expect(vectors.length).toBeGreaterThan(90);
      const wrongDisplay = vectors.filter((v) => demangle(v.mangled, { hash: true }) !== v.display);
      const wrongAlternate = vectors.filter((v) => demangle(v.mangled) !== v.alternate);
      expect(wrongDisplay.slice(0, 3)).toEqual([]);
      expect(wrongAlternate.slice(0, 3)).toEqual([]);
    });
  }

  it("matches the binutils c++filt column of the chosen vectors", () => {
    const vectors = readVectors("demangle_vectors.tsv").filter((v) => v.cxxfilt);
    expect(vectors.length).toBe(93);
    for (const v of vectors) expect(demangle(v.mangled, { hash: true }), v.mangled).toBe(v.cxxfilt);
  });

  it.runIf(hasCxxfilt())("agrees with c++filt run here on the vectors (both forms)", () => {
    const vectors = readVectors("demangle_vectors.tsv");
    const input = `${vectors.map((v) => v.mangled).join("\n")}\n`;
    const long = execFileSync("c++filt", { input }).toString().split("\n");
    const short = execFileSync("c++filt", ["-i"], { input }).toString().split("\n");
    vectors.forEach((v, i) => {
      expect(demangle(v.mangled, { hash: true })).toBe(long[i]);
      expect(demangle(v.mangled)).toBe(short[i]);
    });
  });
});

describe("demangler details", () => {
  it("accepts the Windows and macOS spellings of both manglings", () => {
    const legacy = "_ZN6btdemo6worker17h29180cdcd24de0bdE";
    const v0 = "_RNvCs1656KGin9a0_6btdemo6worker";
    expect(demangle(legacy)).toBe("btdemo::worker");
    expect(demangle(legacy.slice(1))).toBe("btdemo::worker");
    expect(demangle(`_${legacy}`)).toBe("btdemo::worker");
    expect(demangle(v0)).toBe("btdemo::worker");
    expect(demangle(v0.slice(1))).toBe("btdemo::worker");
    expect(demangle(`_${v0}`)).toBe("btdemo::worker");
    expect(demangle(legacy, { hash: true })).toBe("btdemo::worker::h29180cdcd24de0bd");
  });

  it("drops a ThinLTO .llvm. suffix and keeps other LLVM suffixes", () => {
    expect(demangle("_ZN3std2rt10lang_start17h9ed5dbb1f530cc18E.llvm.7473455036276950092")).toBe("std::rt::lang_start");
    expect(demangle("_ZN6btdemo6worker17h29180cdcd24de0bdE.cold")).toBe("btdemo::worker.cold");
  });

  it("prints an unknown legacy `$…$` escape as it stands, like rustc-demangle (not a property of a JS object)", () => {
    expect(demangle("_ZN3foo13$constructor$E")).toBe("foo::$constructor$");
    expect(demangle("_ZN3foo10$toString$E")).toBe("foo::$toString$");
    expect(demangle("_ZN3foo8$u1f600$E")).toBe("foo::\u{1f600}");
  });

  it("streams bytes to bytes exactly as the string API does (bare symbols, suffixes, text lines, non-ASCII)", () => {
    const lines = [
      ...readVectors("demangle_vectors.tsv").map((v) => v.mangled),
      "_ZN3std2rt10lang_start17h9ed5dbb1f530cc18E.llvm.7473455036276950092",
      "_ZN6btdemo6worker17h29180cdcd24de0bdE.cold",
      "_RNvCs1656KGin9a0_6btdemo6worker\r",
      "  12: 0x55 - _ZN6btdemo6worker17h29180cdcd24de0bdE at src/lib.rs:50",
      "ünïcode _ZN6btdemo6worker17h29180cdcd24de0bdE",
      "_ZN6btdemo6wörker17h29180cdcd24de0bdE",
      "",
      "plain text",
    ];
    const sink = new ByteSink(16);
    for (const hash of [true, false]) {
      for (const line of lines) {
        // Surrounding bytes: the range, not the buffer's ends, delimits the line.
        const bytes = Buffer.from(`x\n${line}\ny`, "utf8");
        sink.length = 0;
        demangleLineInto(bytes, 2, bytes.length - 2, { hash }, sink);
        expect(sink.toString(), line).toBe(demangleLine(line, { hash }));
      }
    }
  });

  it("leaves non-Rust input alone", () => {
    for (const s of ["main", "_Z3foov", "_ZN", "_R", "hello world", "_ZN3fooE garbage", ""]) {
      expect(tryDemangle(s)).toBeUndefined();
      expect(demangle(s)).toBe(s);
    }
  });

  it("demangles symbols inside running text, like rustfilt", () => {
    const line = "  12: 0x55 - _ZN6btdemo6worker17h29180cdcd24de0bdE at src/lib.rs:50 and _RNvCs1656KGin9a0_6btdemo14handle_request.";
    expect(demangleInText(line)).toBe("  12: 0x55 - btdemo::worker at src/lib.rs:50 and btdemo::handle_request.");
    expect(demangleInText("_RNvCs1656KGin9a0_6btdemo6worker", { hash: true })).toBe("btdemo[cca504d5b13673a]::worker");
    expect(demangleInText("no symbols here")).toBe("no symbols here");
  });
});

describe("demangler robustness (property tests)", () => {
  const alphabet = "_RZNEICBMXYNvtsCc0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$.".split("");
  const mangledLike = fc.oneof(
    fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 80 }).map((s) => `_R${s}`),
    fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 80 }).map((s) => `_ZN${s}`),
    fc.string({ maxLength: 60 }),
  );

  it("never throws on garbage and always returns a string", () => {
    fc.assert(
      fc.property(mangledLike, fc.boolean(), (s, hash) => {
        const out = demangle(s, { hash });
        expect(typeof out).toBe("string");
        expect(typeof demangleInText(s, { hash })).toBe("string");
      }),
      { numRuns: 5000 },
    );
  });

  it("never throws on mutations of real symbols", () => {
    const real = readVectors("demangle_vectors.tsv").map((v) => v.mangled);
    fc.assert(
      fc.property(fc.constantFrom(...real), fc.nat(), fc.constantFrom(...alphabet), fc.nat(3), (s, pos, ch, op) => {
        const i = pos % s.length;
        const mutated = op === 0 ? s.slice(0, i) : op === 1 ? s.slice(0, i) + ch + s.slice(i + 1) : op === 2 ? s.slice(0, i) + ch + s.slice(i) : s.slice(0, i) + s.slice(i + 1);
        expect(typeof demangle(mutated, { hash: true })).toBe("string");
        expect(typeof demangle(mutated)).toBe("string");
      }),
      { numRuns: 5000 },
    );
  });

  it("stops on hostile backreference nesting instead of blowing up", () => {
    // Each generic argument is a tuple of two backrefs to the previous one: the printed size doubles per
    // level (2^40 characters), so only the output cap (as in rustc-demangle) keeps this finite.
    const base62 = (n: number) => {
      if (n === 0) return "_";
      let x = n - 1;
      let out = "";
      do {
        out = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[x % 62] + out;
        x = Math.floor(x / 62);
      } while (x > 0);
      return `${out}_`;
    };
    let inner = "INvC1a1f";
    let previous = inner.length;
    inner += "Thh" + "E";
    for (let level = 0; level < 40; level++) {
      const here = inner.length;
      inner += `TB${base62(previous)}B${base62(previous)}E`;
      previous = here;
    }
    inner += "E";
    const start = Date.now();
    const out = demangle(`_R${inner}`, { hash: true });
    expect(Date.now() - start).toBeLessThan(5000);
    expect(out.startsWith("a::f::<(u8, u8), ((u8, u8), (u8, u8))")).toBe(true);
    expect(out.endsWith("{size limit reached}")).toBe(true);
    expect(out.length).toBeLessThan(1_100_000);
  });

  it("round-trips the structure of well-formed v0 paths it generates", () => {
    const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
    fc.assert(
      fc.property(ident, fc.array(ident, { minLength: 1, maxLength: 5 }), (crate, path) => {
        let sym = `C${crate.length}${crate}`;
        for (const p of path) sym = `Nv${sym}${p.length}${/^[0-9_]/.test(p) ? "_" : ""}${p}`;
        expect(demangle(`_R${sym}`)).toBe([crate, ...path].join("::"));
      }),
      { numRuns: 500 },
    );
  });
});
