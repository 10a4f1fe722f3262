/**
 * Rust v0 symbol mangling (`_R…`, RFC 2603), demangled the way rustc-demangle 0.1.x prints it: `{}`
 * keeps crate disambiguators (`core[c1f1a4ba060b9bfa]`) and integer-constant type suffixes (`16usize`),
 * `{:#}` (alternate) drops both. Written by hand for the reason given in legacy.ts; the structure follows
 * the grammar of the RFC: a recursive-descent parser that prints as it goes, with backreferences
 * re-parsed from their offset and a recursion limit so hostile input can neither loop nor overflow.
 */

export type V0Error = "invalid" | "recursion";

const MAX_DEPTH = 500;
/** rustc-demangle stops printing after this many characters (backrefs can blow up output exponentially). */
const MAX_OUTPUT = 1_000_000;

class Fail {
  constructor(readonly kind: V0Error) {}
}
class SizeLimit {}
const INVALID = new Fail("invalid");
const RECURSION = new Fail("recursion");
const SIZE_LIMIT = new SizeLimit();

interface Ident {
  ascii: string;
  punycode: string;
}

const basicTypes: Record<string, string> = {
  b: "bool",
  c: "char",
  e: "str",
  u: "()",
  a: "i8",
  s: "i16",
  l: "i32",
  x: "i64",
  n: "i128",
  i: "isize",
  h: "u8",
  t: "u16",
  m: "u32",
  y: "u64",
  o: "u128",
  j: "usize",
  f: "f32",
  d: "f64",
  z: "!",
  p: "_",
  v: "...",
};

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const TWO_64 = 1n << 64n;
const bigCache = new Map<string, bigint>();
const hexCache = new Map<number | bigint, string>();

function hexOf(v: number | bigint): string {
  let hex = hexCache.get(v);
  if (hex === undefined) {
    hex = v.toString(16);
    if (hexCache.size > 10_000) hexCache.clear();
    hexCache.set(v, hex);
  }
  return hex;
}

/** The parser's position; copied and restored around backreferences. */
interface ParserState {
  next: number;
  depth: number;
  err: V0Error | null;
}

class Printer {
  private next = 0;
  private depth = 0;
  private err: V0Error | null = null;
  /** False while skipping printing (parsing the impl path of `M`/`X`, validating). */
  private printing: boolean;
  private out = "";
  private boundLifetimeDepth = 0;
  /** Any error printed anywhere, also inside backrefs (whose errors do not stop the outer parse). */
  sawError = false;

  constructor(
    private readonly sym: string,
    private readonly alternate: boolean,
    printing: boolean,
    start = 0,
    /** Output past this many characters stops with `{size limit reached}` (backrefs can expand exponentially). */
    private readonly maxOutput = MAX_OUTPUT,
  ) {
    this.printing = printing;
    this.next = start;
  }

  result(): string {
    return this.out;
  }
  position(): number {
    return this.next;
  }
  error(): V0Error | null {
    return this.err;
  }

  // ---- parser primitives (throw Fail) ----

  private pushDepth(): void {
    this.depth++;
    if (this.depth > MAX_DEPTH) throw RECURSION;
  }
  private popDepth(): void {
    if (this.err === null) this.depth--;
  }
  private peek(): number {
    return this.next < this.sym.length ? this.sym.charCodeAt(this.next) : -1;
  }
  private eatRaw(c: string): boolean {
    if (this.sym[this.next] === c) {
      this.next++;
      return true;
    }
    return false;
  }
  private nextByte(): number {
    if (this.next >= this.sym.length) throw INVALID;
    return this.sym.charCodeAt(this.next++);
  }
  private hexNibbles(): string {
    const start = this.next;
    for (;;) {
      const c = this.nextByte();
      if (isDigit(c) || (c >= 97 && c <= 102)) continue;
      if (c === 95) break;
      throw INVALID;
    }
    return this.sym.slice(start, this.next - 1);
  }
  private digit10(): number {
    const c = this.peek();
    if (!isDigit(c)) throw INVALID;
    this.next++;
    return c - 48;
  }
  private digit62(): number {
    const c = this.peek();
    let d: number;
    if (isDigit(c)) d = c - 48;
    else if (isLower(c)) d = 10 + (c - 97);
    else if (isUpper(c)) d = 36 + (c - 65);
    else throw INVALID;
    this.next++;
    return d;
  }
  /** base-62 number terminated by `_` (`_` alone = 0, else value + 1); u64 with overflow checks. */
  private integer62(): bigint {
    return BigInt(this.integer62Number() ?? this.integer62Big());
  }
  /**
   * The same as a JS number while it stays exact (the common case: backrefs, closure indexes); returns
   * undefined (and leaves the position unchanged) when the value needs a BigInt.
   */
  private integer62Number(): number | undefined {
    const start = this.next;
    if (this.eatRaw("_")) return 0;
    let x = 0;
    while (!this.eatRaw("_")) {
      x = x * 62 + this.digit62();
      if (x > 2 ** 46) {
        this.next = start;
        return undefined;
      }
    }
    return x + 1;
  }
  private integer62Big(): bigint {
    if (this.eatRaw("_")) return 0n;
    const start = this.next;
    const end = this.sym.indexOf("_", start);
    if (end < 0) throw INVALID;
    // Crate disambiguators repeat in every symbol of a crate: cache their values.
    const digits = this.sym.slice(start, end);
    let x = bigCache.get(digits);
    if (x === undefined) {
      x = 0n;
      for (let i = 0; i < digits.length; i++) {
        this.next = start + i;
        x = x * 62n + BigInt(this.digit62());
        if (x >= TWO_64) throw INVALID;
      }
      x += 1n;
      if (x >= TWO_64) throw INVALID;
      if (bigCache.size > 10_000) bigCache.clear();
      bigCache.set(digits, x);
    }
    this.next = end + 1;
    return x;
  }
  /** Fast path for integers that index into the symbol (backrefs, lifetimes). */
  private integer62Small(): number {
    const n = this.integer62Number();
    if (n !== undefined) return n;
    const v = this.integer62Big();
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  private optInteger62(tag: string): bigint {
    if (!this.eatRaw(tag)) return 0n;
    const v = this.integer62() + 1n;
    if (v >= TWO_64) throw INVALID;
    return v;
  }
  /** Disambiguators as numbers when small, bigint when large (crate hashes). */
  private disambiguatorValue(): number | bigint {
    if (!this.eatRaw("s")) return 0;
    const n = this.integer62Number();
    if (n !== undefined) return n + 1;
    const v = this.integer62Big() + 1n;
    if (v >= TWO_64) throw INVALID;
    return v;
  }
  private disambiguator(): number | bigint {
    return this.disambiguatorValue();
  }
  /** Uppercase: special namespace (closure, shim…); lowercase: unspecified (null). */
  private namespace(): string | null {
    const c = this.nextByte();
    if (isUpper(c)) return String.fromCharCode(c);
    if (isLower(c)) return null;
    throw INVALID;
  }
  private ident(): Ident {
    const isPunycode = this.eatRaw("u");
    let len = this.digit10();
    if (len !== 0) {
      while (isDigit(this.peek())) {
        len = len * 10 + this.digit10();
        if (len > Number.MAX_SAFE_INTEGER / 10) throw INVALID;
      }
    }
    this.eatRaw("_");
    const start = this.next;
    this.next += len;
    if (this.next > this.sym.length) throw INVALID;
    const ident = this.sym.slice(start, this.next);
    if (!isPunycode) return { ascii: ident, punycode: "" };
    const i = ident.lastIndexOf("_");
    const parsed = i >= 0 ? { ascii: ident.slice(0, i), punycode: ident.slice(i + 1) } : { ascii: "", punycode: ident };
    if (parsed.punycode === "") throw INVALID;
    return parsed;
  }

  // ---- printer plumbing ----

  private print(s: string): void {
    if (!this.printing) return;
    this.out += s;
    if (this.out.length > this.maxOutput) throw SIZE_LIMIT;
  }

  /**
   * rustc-demangle's `parse!`: run a parser step; on error print the error marker, remember it and make the
   * caller return. Once the parser has failed, every further step prints `?`.
   */
  private parse<T>(step: () => T): T | typeof FAILED {
    if (this.err !== null) {
      this.print("?");
      return FAILED;
    }
    try {
      return step();
    } catch (e) {
      if (e instanceof Fail) {
        this.sawError = true;
        this.print(e.kind === "invalid" ? "{invalid syntax}" : "{recursion limit reached}");
        this.err = e.kind;
        return FAILED;
      }
      throw e;
    }
  }

  // Closure-free versions of `parse` for the hot steps (the generic one allocates a closure per call).
  private failWith(e: unknown): typeof FAILED {
    if (e instanceof Fail) {
      this.sawError = true;
      this.print(e.kind === "invalid" ? "{invalid syntax}" : "{recursion limit reached}");
      this.err = e.kind;
      return FAILED;
    }
    throw e;
  }
  private failed(): boolean {
    if (this.err === null) return false;
    this.print("?");
    return true;
  }
  private pPush(): true | typeof FAILED {
    if (this.failed()) return FAILED;
    this.depth++;
    if (this.depth > MAX_DEPTH) return this.failWith(RECURSION);
    return true;
  }
  private pTag(): string | typeof FAILED {
    if (this.failed()) return FAILED;
    if (this.next >= this.sym.length) return this.failWith(INVALID);
    return this.sym[this.next++];
  }
  /** Runs one sub-parser unless parsing already failed; its error becomes the parser's failure. */
  private guarded<T>(parse: () => T): T | typeof FAILED {
    if (this.failed()) return FAILED;
    try {
      return parse();
    } catch (e) {
      return this.failWith(e);
    }
  }
  private pDis(): number | bigint | typeof FAILED {
    return this.guarded(() => this.disambiguator());
  }
  private pIdent(): Ident | typeof FAILED {
    return this.guarded(() => this.ident());
  }
  private pNs(): string | null | typeof FAILED {
    return this.guarded(() => this.namespace());
  }
  private pInt(): number | typeof FAILED {
    return this.guarded(() => this.integer62Small());
  }
  private pHex(): string | typeof FAILED {
    return this.guarded(() => this.hexNibbles());
  }

  private invalid(): void {
    this.sawError = true;
    this.print("{invalid syntax}");
    this.err = "invalid";
  }

  private eat(c: string): boolean {
    return this.err === null && this.eatRaw(c);
  }

  private skippingPrinting(f: () => void): void {
    const orig = this.printing;
    this.printing = false;
    f();
    this.printing = orig;
  }

  private printBackref(f: () => void): void {
    const target = this.parse(() => {
      const sStart = this.next - 1;
      const i = this.integer62Small();
      if (i >= sStart) throw INVALID;
      if (this.depth + 1 > MAX_DEPTH) throw RECURSION;
      return i;
    });
    if (target === FAILED) return;
    if (!this.printing) return;
    const saved: ParserState = { next: this.next, depth: this.depth, err: this.err };
    this.next = target;
    this.depth++;
    f();
    this.next = saved.next;
    this.depth = saved.depth;
    this.err = saved.err;
  }

  private printIdent(ident: Ident): void {
    if (!this.printing) return;
    if (ident.punycode === "") {
      this.print(ident.ascii);
      return;
    }
    const decoded = punycodeDecode(ident.ascii, ident.punycode);
    if (decoded !== undefined) {
      this.print(decoded);
      return;
    }
    this.print("punycode{");
    if (ident.ascii !== "") {
      this.print(ident.ascii);
      this.print("-");
    }
    this.print(ident.punycode);
    this.print("}");
  }

  private printLifetimeFromIndex(lt: number): void {
    if (!this.printing) return;
    this.print("'");
    if (lt === 0) {
      this.print("_");
      return;
    }
    const depth = this.boundLifetimeDepth - lt;
    if (depth < 0) {
      this.invalid();
      return;
    }
    if (depth < 26) this.print(String.fromCharCode(97 + depth));
    else this.print(`_${depth}`);
  }

  private inBinder(f: () => void): void {
    const bound = this.parse(() => this.optInteger62("G"));
    if (bound === FAILED) return;
    if (!this.printing) {
      f();
      return;
    }
    const count = Number(bound);
    if (bound > 0n) {
      this.print("for<");
      for (let i = 0; i < count; i++) {
        if (i > 0) this.print(", ");
        this.boundLifetimeDepth++;
        this.printLifetimeFromIndex(1);
      }
      this.print("> ");
    }
    f();
    this.boundLifetimeDepth -= count;
  }

  private printSepList(f: () => void, sep: string): number {
    let i = 0;
    while (this.err === null && !this.eat("E")) {
      if (i > 0) this.print(sep);
      f();
      i++;
    }
    return i;
  }

  // ---- grammar ----

  printPath(inValue: boolean): void {
    if (this.pPush() === FAILED) return;
    const tag = this.pTag();
    if (tag === FAILED) return;
    switch (tag) {
      case "C": {
        const dis = this.pDis();
        if (dis === FAILED) return;
        const name = this.pIdent();
        if (name === FAILED) return;
        this.printIdent(name);
        if (this.printing && !this.alternate && dis != 0) this.print(`[${hexOf(dis)}]`);
        break;
      }
      case "N": {
        const ns = this.pNs();
        if (ns === FAILED) return;
        this.printPath(inValue);
        if (this.err !== null) this.print("::");
        const dis = this.pDis();
        if (dis === FAILED) return;
        const name = this.pIdent();
        if (name === FAILED) return;
        const named = name.ascii !== "" || name.punycode !== "";
        if (ns !== null) {
          this.print("::{");
          this.print(ns === "C" ? "closure" : ns === "S" ? "shim" : ns);
          if (named) {
            this.print(":");
            this.printIdent(name);
          }
          this.print(`#${dis.toString()}}`);
        } else if (named) {
          this.print("::");
          this.printIdent(name);
        }
        break;
      }
      case "M":
      case "X":
      case "Y": {
        if (tag !== "Y") {
          if (this.pDis() === FAILED) return;
          this.skippingPrinting(() => this.printPath(false));
        }
        this.print("<");
        this.printType();
        if (tag !== "M") {
          this.print(" as ");
          this.printPath(false);
        }
        this.print(">");
        break;
      }
      case "I": {
        this.printPath(inValue);
        if (inValue) this.print("::");
        this.print("<");
        this.printSepList(() => this.printGenericArg(), ", ");
        this.print(">");
        break;
      }
      case "B":
        this.printBackref(() => this.printPath(inValue));
        break;
      default:
        this.invalid();
        return;
    }
    this.popDepth();
  }

  private printGenericArg(): void {
    if (this.eat("L")) {
      const lt = this.pInt();
      if (lt === FAILED) return;
      this.printLifetimeFromIndex(lt);
    } else if (this.eat("K")) {
      this.printConst(false);
    } else {
      this.printType();
    }
  }

  private printType(): void {
    const tag = this.pTag();
    if (tag === FAILED) return;
    const basic = basicTypes[tag];
    if (basic !== undefined) {
      this.print(basic);
      return;
    }
    if (this.pPush() === FAILED) return;
    switch (tag) {
      case "R":
      case "Q": {
        this.print("&");
        if (this.eat("L")) {
          const lt = this.pInt();
          if (lt === FAILED) return;
          if (lt !== 0) {
            this.printLifetimeFromIndex(lt);
            this.print(" ");
          }
        }
        if (tag !== "R") this.print("mut ");
        this.printType();
        break;
      }
      case "P":
      case "O":
        this.print("*");
        this.print(tag !== "P" ? "mut " : "const ");
        this.printType();
        break;
      case "A":
      case "S":
        this.print("[");
        this.printType();
        if (tag === "A") {
          this.print("; ");
          this.printConst(true);
        }
        this.print("]");
        break;
      case "T": {
        this.print("(");
        const count = this.printSepList(() => this.printType(), ", ");
        if (count === 1) this.print(",");
        this.print(")");
        break;
      }
      case "F":
        this.inBinder(() => {
          const isUnsafe = this.eat("U");
          let abi: string | undefined;
          if (this.eat("K")) {
            if (this.eat("C")) abi = "C";
            else {
              const ident = this.pIdent();
              if (ident === FAILED) return;
              if (ident.ascii === "" || ident.punycode !== "") {
                this.invalid();
                return;
              }
              abi = ident.ascii;
            }
          }
          if (isUnsafe) this.print("unsafe ");
          if (abi !== undefined) this.print(`extern "${abi.split("_").join("-")}" `);
          this.print("fn(");
          this.printSepList(() => this.printType(), ", ");
          this.print(")");
          if (!this.eat("u")) {
            this.print(" -> ");
            this.printType();
          }
        });
        break;
      case "D": {
        this.print("dyn ");
        this.inBinder(() => {
          this.printSepList(() => this.printDynTrait(), " + ");
        });
        if (!this.eat("L")) {
          this.invalid();
          return;
        }
        const lt = this.pInt();
        if (lt === FAILED) return;
        if (lt !== 0) {
          this.print(" + ");
          this.printLifetimeFromIndex(lt);
        }
        break;
      }
      case "B":
        this.printBackref(() => this.printType());
        break;
      default:
        // Not a type tag: go back so printPath sees it.
        if (this.err === null) this.next--;
        this.printPath(false);
    }
    this.popDepth();
  }

  private printPathMaybeOpenGenerics(): boolean {
    if (this.eat("B")) {
      let open = false;
      this.printBackref(() => {
        open = this.printPathMaybeOpenGenerics();
      });
      return open;
    }
    if (this.eat("I")) {
      this.printPath(false);
      this.print("<");
      this.printSepList(() => this.printGenericArg(), ", ");
      return true;
    }
    this.printPath(false);
    return false;
  }

  private printDynTrait(): void {
    let open = this.printPathMaybeOpenGenerics();
    while (this.eat("p")) {
      if (!open) {
        this.print("<");
        open = true;
      } else this.print(", ");
      const name = this.pIdent();
      if (name === FAILED) return;
      this.printIdent(name);
      this.print(" = ");
      this.printType();
    }
    if (open) this.print(">");
  }

  private printConst(inValue: boolean): void {
    const tag = this.pTag();
    if (tag === FAILED) return;
    if (this.pPush() === FAILED) return;
    let openedBrace = false;
    const openBraceIfOutsideExpr = () => {
      if (inValue) return;
      openedBrace = true;
      this.print("{");
    };
    switch (tag) {
      case "p":
        this.print("_");
        break;
      case "h":
      case "t":
      case "m":
      case "y":
      case "o":
      case "j":
        if (!this.printConstUint(tag)) return;
        break;
      case "a":
      case "s":
      case "l":
      case "x":
      case "n":
      case "i":
        if (this.eat("n")) this.print("-");
        if (!this.printConstUint(tag)) return;
        break;
      case "b": {
        const hex = this.pHex();
        if (hex === FAILED) return;
        const v = parseUint(hex);
        if (v === 0n) this.print("false");
        else if (v === 1n) this.print("true");
        else {
          this.invalid();
          return;
        }
        break;
      }
      case "c": {
        const hex = this.pHex();
        if (hex === FAILED) return;
        const v = parseUint(hex);
        if (v === undefined || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn)) {
          this.invalid();
          return;
        }
        this.print(quoteChars("'", [Number(v)]));
        break;
      }
      case "e":
        openBraceIfOutsideExpr();
        this.print("*");
        if (!this.printConstStrLiteral()) return;
        break;
      case "R":
      case "Q":
        if (tag === "R" && this.eat("e")) {
          if (!this.printConstStrLiteral()) return;
        } else {
          openBraceIfOutsideExpr();
          this.print("&");
          if (tag !== "R") this.print("mut ");
          this.printConst(true);
        }
        break;
      case "A":
        openBraceIfOutsideExpr();
        this.print("[");
        this.printSepList(() => this.printConst(true), ", ");
        this.print("]");
        break;
      case "T": {
        openBraceIfOutsideExpr();
        this.print("(");
        const count = this.printSepList(() => this.printConst(true), ", ");
        if (count === 1) this.print(",");
        this.print(")");
        break;
      }
      case "V": {
        openBraceIfOutsideExpr();
        this.printPath(true);
        const kind = this.pTag();
        if (kind === FAILED) return;
        if (kind === "U") {
          // unit variant
        } else if (kind === "T") {
          this.print("(");
          this.printSepList(() => this.printConst(true), ", ");
          this.print(")");
        } else if (kind === "S") {
          this.print(" { ");
          this.printSepList(() => {
            if (this.pDis() === FAILED) return;
            const name = this.pIdent();
            if (name === FAILED) return;
            this.printIdent(name);
            this.print(": ");
            this.printConst(true);
          }, ", ");
          this.print(" }");
        } else {
          this.invalid();
          return;
        }
        break;
      }
      case "B":
        this.printBackref(() => this.printConst(inValue));
        break;
      default:
        this.invalid();
        return;
    }
    if (openedBrace) this.print("}");
    this.popDepth();
  }

  /** Returns false when the caller must stop (parse error). */
  private printConstUint(tyTag: string): boolean {
    const hex = this.pHex();
    if (hex === FAILED) return false;
    const v = parseUint(hex);
    if (v !== undefined) this.print(v.toString());
    else this.print(`0x${hex}`);
    if (this.printing && !this.alternate) this.print(basicTypes[tyTag] ?? "");
    return true;
  }

  private printConstStrLiteral(): boolean {
    const hex = this.pHex();
    if (hex === FAILED) return false;
    const chars = parseStrChars(hex);
    if (chars === undefined) {
      this.invalid();
      return false;
    }
    this.print(quoteChars('"', chars));
    return true;
  }
}

const FAILED = Symbol("failed");

function parseUint(nibbles: string): bigint | undefined {
  const trimmed = nibbles.replace(/^0+/, "");
  if (trimmed.length > 16) return undefined;
  return trimmed === "" ? 0n : BigInt(`0x${trimmed}`);
}

/** Hex-encoded UTF-8 bytes → code points, or undefined if not valid UTF-8. */
function parseStrChars(nibbles: string): number[] | undefined {
  if (nibbles.length % 2 !== 0) return undefined;
  const bytes = new Uint8Array(nibbles.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(nibbles.slice(2 * i, 2 * i + 2), 16);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return Array.from(text, (c) => c.codePointAt(0)!);
}

/** Rust's `char::escape_debug` inside a quoted literal (the other quote kind is left unescaped). */
function quoteChars(quote: "'" | '"', chars: number[]): string {
  let out = quote;
  for (const c of chars) {
    const ch = String.fromCodePoint(c);
    if (ch === '"' && quote === "'") out += ch;
    else if (ch === "'" && quote === '"') out += ch;
    else out += escapeDebug(c);
  }
  return out + quote;
}

function escapeDebug(c: number): string {
  switch (c) {
    case 0x09:
      return "\\t";
    case 0x0d:
      return "\\r";
    case 0x0a:
      return "\\n";
    case 0x5c:
      return "\\\\";
    case 0x22:
      return '\\"';
    case 0x27:
      return "\\'";
    case 0x00:
      return "\\0";
  }
  // Rust escapes non-printable characters as \u{…}; approximate "printable" with Unicode categories.
  const ch = String.fromCodePoint(c);
  if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u.test(ch) || (/\p{Z}/u.test(ch) && c !== 0x20)) {
    return `\\u{${c.toString(16)}}`;
  }
  return ch;
}

/**
 * RFC 3492 punycode decoding with the `_` delimiter already split off. Returns undefined on malformed
 * input (the caller then prints `punycode{…}` like rustc-demangle).
 */
function punycodeDecode(ascii: string, punycode: string): string | undefined {
  const out: number[] = Array.from(ascii, (c) => c.codePointAt(0)!);
  const base = 36;
  const tMin = 1;
  const tMax = 26;
  const skew = 38;
  const damp = 700;
  let n = 0x80;
  let i = 0;
  let bias = 72;
  let pos = 0;
  while (pos < punycode.length) {
    const oldI = i;
    let w = 1;
    for (let k = base; ; k += base) {
      if (pos >= punycode.length) return undefined;
      const c = punycode.charCodeAt(pos++);
      let digit: number;
      if (c >= 97 && c <= 122) digit = c - 97;
      else if (c >= 48 && c <= 57) digit = 26 + (c - 48);
      else return undefined;
      i += digit * w;
      if (i > 0xffffffff) return undefined;
      const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
      if (digit < t) break;
      w *= base - t;
      if (w > 0xffffffff) return undefined;
    }
    const len = out.length + 1;
    let delta = oldI === 0 ? Math.floor((i - oldI) / damp) : Math.floor((i - oldI) / 2);
    delta += Math.floor(delta / len);
    let k = 0;
    while (delta > ((base - tMin) * tMax) >> 1) {
      delta = Math.floor(delta / (base - tMin));
      k += base;
    }
    bias = k + Math.floor(((base - tMin + 1) * delta) / (delta + skew));
    n += Math.floor(i / len);
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
    i %= len;
    out.splice(i, 0, n);
    i++;
    if (out.length > 4096) return undefined;
  }
  return String.fromCodePoint(...out);
}

export interface V0Parse {
  /** The symbol after the `_R` prefix. */
  inner: string;
  /** Whatever follows the path and the optional instantiating crate. */
  rest: string;
}

/** Validates a v0 symbol (without printing) and splits off any suffix; undefined if it is not one. */
export function parseV0(symbol: string): V0Parse | undefined {
  let inner: string;
  if (symbol.length > 2 && symbol.startsWith("_R")) inner = symbol.slice(2);
  else if (symbol.length > 1 && symbol.startsWith("R")) inner = symbol.slice(1);
  else if (symbol.length > 3 && symbol.startsWith("__R")) inner = symbol.slice(3);
  else return undefined;
  if (!isUpper(inner.charCodeAt(0))) return undefined;
  for (let i = 0; i < inner.length; i++) if (inner.charCodeAt(i) >= 0x80) return undefined;

  const validator = new Printer(inner, false, false);
  validator.printPath(false);
  if (validator.error() !== null) return undefined;
  let end = validator.position();
  if (isUpper(inner.charCodeAt(end))) {
    const crate = new Printer(inner, false, false, end);
    crate.printPath(false);
    if (crate.error() !== null) return undefined;
    end = crate.position();
  }
  return { inner: inner.slice(0, end), rest: inner.slice(end) };
}

/** Prints a validated v0 symbol (path only; the instantiating crate is not shown, as in rustc-demangle). */
export function printV0(parsed: V0Parse, alternate: boolean, maxOutput = MAX_OUTPUT): string {
  const printer = new Printer(parsed.inner, alternate, true, 0, maxOutput);
  try {
    printer.printPath(true);
  } catch (e) {
    if (e instanceof SizeLimit) return `${printer.result()}{size limit reached}`;
    throw e;
  }
  return printer.result();
}

/**
 * One pass instead of validate-then-print for the common case: printing follows the same top-level parse
 * as validation, so when it meets no error at all (not even inside a backreference) and stays under the
 * size limit, its text is the answer. Returns null when the careful two-pass path must decide.
 */
export function demangleV0Fast(symbol: string, alternate: boolean, maxOutput = MAX_OUTPUT): { text: string; rest: string } | null {
  let offset: number;
  if (symbol.startsWith("_R")) offset = 2;
  else if (symbol.startsWith("__R")) offset = 3;
  else return null;
  if (symbol.length <= offset || !isUpper(symbol.charCodeAt(offset))) return null;
  for (let i = offset; i < symbol.length; i++) if (symbol.charCodeAt(i) >= 0x80) return null;
  const inner = offset === 0 ? symbol : symbol.slice(offset);
  const printer = new Printer(inner, alternate, true, 0, maxOutput);
  try {
    printer.printPath(true);
  } catch {
    return null;
  }
  if (printer.sawError || printer.error() !== null) return null;
  let end = printer.position();
  if (isUpper(inner.charCodeAt(end))) {
    const crate = new Printer(inner, false, false, end);
    crate.printPath(false);
    if (crate.error() !== null) return null;
    end = crate.position();
  }
  return { text: printer.result(), rest: inner.slice(end) };
}
