import { parseLegacy, printLegacy } from "./legacy.ts";
import { demangleV0Fast, parseV0, printV0 } from "./v0.ts";

export interface DemangleOptions {
  /**
   * Keep hashes and crate disambiguators (`::h0123…`, `core[c1f1a4ba060b9bfa]`), like rustc-demangle's `{}`
   * and `c++filt`. Default false: the short form of `{:#}` / `c++filt -i` / rustfilt.
   */
  hash?: boolean;
  /** Longest demangled text (v0 back-references can expand exponentially); default 1 000 000 characters. */
  maxOutput?: number;
}

export type Mangling = "legacy" | "v0";

export interface Demangled {
  mangling: Mangling;
  text: string;
}

/**
 * Demangles one Rust symbol (legacy `_ZN…E` or v0 `_R…`, with the Windows `ZN`/`R` and macOS `__ZN`/`__R`
 * spellings); returns undefined when the input is not a Rust symbol. Never throws.
 */
export function tryDemangle(symbol: string, options: DemangleOptions = {}): Demangled | undefined {
  const alternate = !options.hash;
  let s = symbol;
  // ThinLTO renames internal symbols with `.llvm.<hex>`; drop that first, as rustc-demangle does.
  const llvm = s.indexOf(".llvm.");
  if (llvm >= 0 && /^[0-9A-F@]*$/.test(s.slice(llvm + 6))) s = s.slice(0, llvm);

  let mangling: Mangling;
  let text: string;
  let rest: string;
  const legacy = parseLegacy(s);
  if (legacy) {
    mangling = "legacy";
    rest = legacy.rest;
    text = printLegacy(legacy, alternate);
  } else {
    mangling = "v0";
    const fast = demangleV0Fast(s, alternate, options.maxOutput);
    if (fast) {
      rest = fast.rest;
      text = fast.text;
    } else {
      const v0 = parseV0(s);
      if (!v0) return undefined;
      rest = v0.rest;
      text = printV0(v0, alternate, options.maxOutput);
    }
  }
  if (rest !== "") {
    // LLVM may append `.`-separated words (`.cold`, `.0`); keep them, reject anything else.
    if (!rest.startsWith(".") || !/^[\x21-\x7e]*$/.test(rest)) return undefined;
    text += rest;
  }
  return { mangling, text };
}

/** Like {@link tryDemangle} but returns the input unchanged when it is not a Rust symbol. */
export function demangle(symbol: string, options: DemangleOptions = {}): string {
  return tryDemangle(symbol, options)?.text ?? symbol;
}

// Candidates inside running text: a symbol starts at a non-identifier boundary with `_ZN`, `__ZN`, `_R`
// or `__R` and runs over identifier characters, `$` and `.`.
const symbolInText = /(?<![\w$.])_?_(?:ZN|R)[\w$.]+/g;

/** Demangles every Rust symbol found in a line of text (rustfilt's behaviour). */
export function demangleInText(line: string, options: DemangleOptions = {}): string {
  if (!line.includes("_ZN") && !line.includes("_R")) {
    const whole = tryDemangle(line.trim(), options);
    return whole && line.trim() === line ? whole.text : line;
  }
  return line.replace(symbolInText, (candidate) => {
    const direct = tryDemangle(candidate, options);
    if (direct) return direct.text;
    // A trailing `.` or punctuation picked up from prose: retry without it.
    const trimmed = candidate.replace(/[.]+$/, "");
    if (trimmed !== candidate) {
      const again = tryDemangle(trimmed, options);
      if (again) return again.text + candidate.slice(trimmed.length);
    }
    return candidate;
  });
}

/**
 * One input line of `trace demangle`: a line that is one bare symbol (the usual `nm`/`c++filt` input)
 * goes straight to the demangler; anything else is searched for symbols like running text.
 */
export function demangleLine(line: string, options: DemangleOptions = {}): string {
  const c = line.charCodeAt(0);
  if ((c === 95 /* _ */ || c === 82 /* R */ || c === 90 /* Z */) && line.indexOf(" ") === -1 && line.indexOf("\t") === -1) {
    const whole = tryDemangle(line, options);
    if (whole) return whole.text;
  }
  return demangleInText(line, options);
}
