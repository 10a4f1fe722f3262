/**
 * Rust v0 symbol mangling (`_R…`, RFC 2603), demangled the way rustc-demangle 0.1.x prints it: `{}`
 * keeps crate disambiguators (`core[c1f1a4ba060b9bfa]`) and integer-constant type suffixes (`16usize`),
 * `{:#}` (alternate) drops both. Written by hand for the reason given in legacy.ts; the structure follows
 * the grammar of the RFC: a recursive-descent parser that prints as it goes, with backreferences
 * re-parsed from their offset and a recursion limit so hostile input can neither loop nor overflow.
 *
 * It reads the symbol as bytes and prints bytes into a ByteSink: symbols are ASCII, identifiers are
 * copied, and no string is made per symbol (see byte-sink.ts). Parse steps dispatch on small integer
 * kinds instead of taking closures, so the hot path allocates nothing.
 */
import { ByteSink } from "./byte-sink.ts";

export type V0Error = "invalid" | "recursion";

const MAX_DEPTH = 500;
/** rustc-demangle stops printing after this many characters (backrefs can blow up output exponentially). */
export const MAX_OUTPUT = 1_000_000;

class Fail {
  constructor(readonly kind: V0Error) {}
}
class SizeLimit {}
const INVALID = new Fail("invalid");
const RECURSION = new Fail("recursion");
const SIZE_LIMIT = new SizeLimit();

/** Basic types by their tag byte. */
const basicTypes: Array<string | undefined> = [];
for (const [tag, name] of Object.entries({
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
})) {
  basicTypes[tag.charCodeAt(0)] = name;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const TWO_32 = 2 ** 32;

/** Where a validating printer's (never written) output goes. */
const unusedSink = new ByteSink(16);

// Tag bytes of the grammar.
const A = 65, B = 66, C = 67, D = 68, E = 69, F = 70, G = 71, I = 73, K = 75, L = 76, M = 77, N = 78;
const O = 79, P = 80, Q = 81, R = 82, S = 83, T = 84, U = 85, V = 86, X = 88, Y = 89;
const b_ = 98, c_ = 99, e_ = 101, h_ = 104, n_ = 110, p_ = 112, s_ = 115, u_ = 117, UNDERSCORE = 95;

// What a list, a backreference or a binder parses (instead of a closure per call).
const GENERIC_ARGS = 0, TYPES = 1, CONSTS = 2, DYN_TRAITS = 3, CONST_FIELDS = 4;
const PATH = 0, TYPE = 1, CONST = 2, OPEN_PATH = 3;
const FN_SIG = 0, DYN_BOUNDS = 1;

class Printer {
  private sym: Uint8Array = new Uint8Array(0);
  /** Where the symbol's path starts (after `_R`): backreferences count from here. */
  private base = 0;
  /** End of the symbol's bytes. */
  private end = 0;
  private alternate = false;
  private out: ByteSink = unusedSink;
  /** Output past this many bytes stops with `{size limit reached}` (backrefs can expand exponentially). */
  private maxOutput = MAX_OUTPUT;
  /** Where this symbol's output starts in the sink (for the size limit). */
  private outStart = 0;
  private next = 0;
  private depth = 0;
  private err: V0Error | null = null;
  /** False while skipping printing (parsing the impl path of `M`/`X`, validating). */
  private printing = false;
  private boundLifetimeDepth = 0;
  /** Any error printed anywhere, also inside backrefs (whose errors do not stop the outer parse). */
  sawError = false;

  // The last integer parsed, as a u64 in two halves (crate disambiguators are 64-bit hashes).
  private hi = 0;
  private lo = 0;
  // The last identifier parsed: its ASCII part and its punycode part (punyStart < 0: none).
  private identStart = 0;
  private identEnd = 0;
  private punyStart = -1;
  private punyEnd = -1;

  /**
   * Starts on a symbol (one printer object serves every symbol: the module's two printers are reset
   * for each, so demangling allocates nothing). `printing` false only parses (validation).
   */
  reset(sym: Uint8Array, base: number, end: number, alternate: boolean, printing: boolean, out: ByteSink, start = base, maxOutput = MAX_OUTPUT): this {
    this.sym = sym;
    this.base = base;
    this.end = end;
    this.alternate = alternate;
    this.printing = printing;
    this.out = out;
    this.outStart = out.length;
    this.maxOutput = maxOutput;
    this.next = start;
    this.depth = 0;
    this.err = null;
    this.boundLifetimeDepth = 0;
    this.sawError = false;
    return this;
  }

  position(): number {
    return this.next;
  }
  error(): V0Error | null {
    return this.err;
  }

  // ---- parser primitives (throw Fail) ----

  private peek(): number {
    return this.next < this.end ? this.sym[this.next]! : -1;
  }
  private eatRaw(c: number): boolean {
    if (this.next < this.end && this.sym[this.next] === c) {
      this.next++;
      return true;
    }
    return false;
  }
  private nextByte(): number {
    if (this.next >= this.end) throw INVALID;
    return this.sym[this.next++]!;
  }
  /** Hex nibbles up to `_`; returns where they start (they end at `next - 1`). */
  private hexNibbles(): number {
    const start = this.next;
    for (;;) {
      const c = this.nextByte();
      if (isDigit(c) || (c >= 97 && c <= 102)) continue;
      if (c === UNDERSCORE) break;
      throw INVALID;
    }
    return start;
  }
  private digit10(): number {
    const c = this.peek();
    if (!isDigit(c)) throw INVALID;
    this.next++;
    return c - 48;
  }
  /** this.hi:lo += 1, as u64 (an overflow is invalid syntax, as in rustc-demangle). */
  private increment(): void {
    this.lo += 1;
    if (this.lo === TWO_32) {
      this.lo = 0;
      this.hi += 1;
      if (this.hi === TWO_32) throw INVALID;
    }
  }
  /** base-62 number terminated by `_` (`_` alone = 0, else value + 1) into hi:lo, with u64 overflow checks. */
  private integer62(): void {
    // The hottest parse step (every crate root has a 64-bit disambiguator): the value is kept in three
    // 24-bit limbs so every step is small-integer arithmetic, and the bytes are read inline.
    const sym = this.sym;
    const end = this.end;
    let at = this.next;
    if (at < end && sym[at] === UNDERSCORE) {
      this.next = at + 1;
      this.hi = 0;
      this.lo = 0;
      return;
    }
    let l0 = 0;
    let l1 = 0;
    let l2 = 0;
    for (;;) {
      if (at >= end) throw INVALID;
      const c = sym[at++]!;
      if (c === UNDERSCORE) break;
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 122) d = c - 87;
      else if (c >= 65 && c <= 90) d = c - 29;
      else throw INVALID;
      l0 = l0 * 62 + d;
      let carry = l0 >>> 24;
      l0 &= 0xffffff;
      l1 = l1 * 62 + carry;
      carry = l1 >>> 24;
      l1 &= 0xffffff;
      l2 = l2 * 62 + carry;
      if (l2 >= 0x10000) throw INVALID; // 2^64 or more
    }
    this.next = at;
    this.hi = l2 * 0x10000 + (l1 >>> 8);
    this.lo = (l1 & 0xff) * 0x1000000 + l0;
    this.increment();
  }
  /** The last integer as a number (capped: it indexes into the symbol or counts lifetimes). */
  private smallValue(): number {
    return this.hi >= 2 ** 21 ? Number.MAX_SAFE_INTEGER : this.hi * TWO_32 + this.lo;
  }
  /** `tag` + integer62 + 1, or 0 without the tag; into hi:lo. */
  private optInteger62(tag: number): void {
    if (!this.eatRaw(tag)) {
      this.hi = 0;
      this.lo = 0;
      return;
    }
    this.integer62();
    this.increment();
  }
  /** Uppercase: special namespace (closure, shim…); lowercase: unspecified (0). */
  private namespace(): number {
    const c = this.nextByte();
    if (isUpper(c)) return c;
    if (isLower(c)) return 0;
    throw INVALID;
  }
  private ident(): void {
    const isPunycode = this.eatRaw(u_);
    let len = this.digit10();
    if (len !== 0) {
      while (isDigit(this.peek())) {
        len = len * 10 + this.digit10();
        if (len > Number.MAX_SAFE_INTEGER / 10) throw INVALID;
      }
    }
    this.eatRaw(UNDERSCORE);
    const start = this.next;
    this.next += len;
    if (this.next > this.end) throw INVALID;
    this.identStart = start;
    this.identEnd = this.next;
    this.punyStart = -1;
    this.punyEnd = -1;
    if (!isPunycode) return;
    let i = this.next - 1;
    while (i >= start && this.sym[i] !== UNDERSCORE) i--;
    if (i >= start) {
      this.identEnd = i;
      this.punyStart = i + 1;
    } else {
      this.identEnd = start;
      this.punyStart = start;
    }
    this.punyEnd = this.next;
    if (this.punyStart === this.punyEnd) throw INVALID;
  }

  // ---- printer plumbing ----

  private checkSize(): void {
    if (this.out.length - this.outStart > this.maxOutput) throw SIZE_LIMIT;
  }
  private print(s: string): void {
    if (!this.printing) return;
    this.out.ascii(s);
    this.checkSize();
  }
  /** `::`, the most printed text. */
  private printColons(): void {
    if (!this.printing) return;
    const out = this.out;
    out.reserve(2);
    out.buffer[out.length++] = 58;
    out.buffer[out.length++] = 58;
    this.checkSize();
  }
  private printByte(c: number): void {
    if (!this.printing) return;
    this.out.byte(c);
    this.checkSize();
  }
  private printText(s: string): void {
    if (!this.printing) return;
    this.out.text(s);
    this.checkSize();
  }

  /**
   * rustc-demangle's `parse!`: a parser step's error prints the error marker, is remembered, and makes the
   * caller return; once the parser has failed, every further step prints `?`.
   */
  private failWith(e: unknown): false {
    if (e instanceof Fail) {
      this.sawError = true;
      this.print(e.kind === "invalid" ? "{invalid syntax}" : "{recursion limit reached}");
      this.err = e.kind;
      return false;
    }
    throw e;
  }
  private failed(): boolean {
    if (this.err === null) return false;
    this.print("?");
    return true;
  }
  private pPush(): boolean {
    if (this.failed()) return false;
    this.depth++;
    if (this.depth > MAX_DEPTH) return this.failWith(RECURSION);
    return true;
  }
  private popDepth(): void {
    if (this.err === null) this.depth--;
  }
  /** The next tag byte, or -1 after a failure. */
  private pTag(): number {
    if (this.failed()) return -1;
    if (this.next >= this.end) {
      this.failWith(INVALID);
      return -1;
    }
    return this.sym[this.next++]!;
  }
  /** An optional disambiguator (`s` + integer62 + 1) into hi:lo. */
  private pDis(): boolean {
    if (this.failed()) return false;
    try {
      if (!this.eatRaw(s_)) {
        this.hi = 0;
        this.lo = 0;
      } else {
        this.integer62();
        this.increment();
      }
      return true;
    } catch (e) {
      return this.failWith(e);
    }
  }
  private pIdent(): boolean {
    if (this.failed()) return false;
    try {
      this.ident();
      return true;
    } catch (e) {
      return this.failWith(e);
    }
  }
  /** A namespace byte (0: unspecified), or -1 after a failure. */
  private pNs(): number {
    if (this.failed()) return -1;
    try {
      return this.namespace();
    } catch (e) {
      this.failWith(e);
      return -1;
    }
  }
  /** An integer62 as a small number, or -1 after a failure. */
  private pInt(): number {
    if (this.failed()) return -1;
    try {
      this.integer62();
      return this.smallValue();
    } catch (e) {
      this.failWith(e);
      return -1;
    }
  }
  /** Hex nibbles: where they start (they end at `next - 1`), or -1 after a failure. */
  private pHex(): number {
    if (this.failed()) return -1;
    try {
      return this.hexNibbles();
    } catch (e) {
      this.failWith(e);
      return -1;
    }
  }

  private invalid(): void {
    this.sawError = true;
    this.print("{invalid syntax}");
    this.err = "invalid";
  }

  private eat(c: number): boolean {
    return this.err === null && this.eatRaw(c);
  }

  /** Follows a backreference and parses `what` there; returns what OPEN_PATH returns (else false). */
  private printBackref(what: number, inValue: boolean): boolean {
    if (this.failed()) return false;
    let target: number;
    try {
      const sStart = this.next - 1 - this.base;
      this.integer62();
      const i = this.smallValue();
      if (i >= sStart) throw INVALID;
      if (this.depth + 1 > MAX_DEPTH) throw RECURSION;
      target = this.base + i;
    } catch (e) {
      return this.failWith(e);
    }
    if (!this.printing) return false;
    const savedNext = this.next;
    const savedDepth = this.depth;
    const savedErr = this.err;
    this.next = target;
    this.depth++;
    let open = false;
    switch (what) {
      case PATH:
        this.printPath(inValue);
        break;
      case TYPE:
        this.printType();
        break;
      case CONST:
        this.printConst(inValue);
        break;
      default:
        open = this.printPathMaybeOpenGenerics();
    }
    this.next = savedNext;
    this.depth = savedDepth;
    this.err = savedErr;
    return open;
  }

  private printIdent(): void {
    if (!this.printing) return;
    if (this.punyStart < 0) {
      this.out.copy(this.sym, this.identStart, this.identEnd);
      this.checkSize();
      return;
    }
    const ascii = latin1(this.sym, this.identStart, this.identEnd);
    const punycode = latin1(this.sym, this.punyStart, this.punyEnd);
    const decoded = punycodeDecode(ascii, punycode);
    if (decoded !== undefined) {
      this.printText(decoded);
      return;
    }
    this.print("punycode{");
    if (ascii !== "") {
      this.print(ascii);
      this.print("-");
    }
    this.print(punycode);
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
    if (depth < 26) this.printByte(97 + depth);
    else this.print(`_${depth}`);
  }

  private inBinder(what: number): void {
    if (this.failed()) return;
    let count: number;
    try {
      this.optInteger62(G);
      count = this.hi * TWO_32 + this.lo;
    } catch (e) {
      this.failWith(e);
      return;
    }
    if (!this.printing) {
      this.binderBody(what);
      return;
    }
    if (count > 0) {
      this.print("for<");
      for (let i = 0; i < count; i++) {
        if (i > 0) this.print(", ");
        this.boundLifetimeDepth++;
        this.printLifetimeFromIndex(1);
      }
      this.print("> ");
    }
    this.binderBody(what);
    this.boundLifetimeDepth -= count;
  }

  private binderBody(what: number): void {
    if (what === DYN_BOUNDS) {
      this.printSepList(DYN_TRAITS, " + ");
      return;
    }
    const isUnsafe = this.eat(U);
    let abi: string | undefined;
    if (this.eat(K)) {
      if (this.eat(C)) abi = "C";
      else {
        if (!this.pIdent()) return;
        if (this.identStart === this.identEnd || this.punyStart >= 0) {
          this.invalid();
          return;
        }
        abi = latin1(this.sym, this.identStart, this.identEnd);
      }
    }
    if (isUnsafe) this.print("unsafe ");
    if (abi !== undefined) this.print(`extern "${abi.split("_").join("-")}" `);
    this.print("fn(");
    this.printSepList(TYPES, ", ");
    this.print(")");
    if (!this.eat(u_)) {
      this.print(" -> ");
      this.printType();
    }
  }

  private printSepList(what: number, sep: string): number {
    let i = 0;
    while (this.err === null && !this.eat(E)) {
      if (i > 0) this.print(sep);
      switch (what) {
        case GENERIC_ARGS:
          this.printGenericArg();
          break;
        case TYPES:
          this.printType();
          break;
        case CONSTS:
          this.printConst(true);
          break;
        case DYN_TRAITS:
          this.printDynTrait();
          break;
        default:
          this.printConstField();
      }
      i++;
    }
    return i;
  }

  // ---- grammar ----

  printPath(inValue: boolean): void {
    if (!this.pPush()) return;
    const tag = this.pTag();
    if (tag < 0) return;
    switch (tag) {
      case C: {
        if (!this.pDis()) return;
        const hi = this.hi;
        const lo = this.lo;
        if (!this.pIdent()) return;
        this.printIdent();
        if (this.printing && !this.alternate && (hi !== 0 || lo !== 0)) {
          this.out.byte(91 /* [ */);
          this.out.hex64(hi, lo);
          this.out.byte(93 /* ] */);
          this.checkSize();
        }
        break;
      }
      case N: {
        const ns = this.pNs();
        if (ns < 0) return;
        this.printPath(inValue);
        if (this.err !== null) this.printColons();
        if (!this.pDis()) return;
        const hi = this.hi;
        const lo = this.lo;
        if (!this.pIdent()) return;
        const named = this.identEnd > this.identStart || this.punyStart >= 0;
        if (ns !== 0) {
          this.print("::{");
          if (ns === C) this.print("closure");
          else if (ns === S) this.print("shim");
          else this.printByte(ns);
          if (named) {
            this.print(":");
            this.printIdent();
          }
          if (this.printing) {
            this.out.byte(35 /* # */);
            if (hi === 0) this.out.decimal(lo);
            else this.out.ascii(((BigInt(hi) << 32n) | BigInt(lo)).toString());
            this.out.byte(125 /* } */);
            this.checkSize();
          }
        } else if (named) {
          this.printColons();
          this.printIdent();
        }
        break;
      }
      case M:
      case X:
      case Y: {
        if (tag !== Y) {
          if (!this.pDis()) return;
          const printing = this.printing;
          this.printing = false;
          this.printPath(false);
          this.printing = printing;
        }
        this.print("<");
        this.printType();
        if (tag !== M) {
          this.print(" as ");
          this.printPath(false);
        }
        this.print(">");
        break;
      }
      case I: {
        this.printPath(inValue);
        if (inValue) this.printColons();
        this.print("<");
        this.printSepList(GENERIC_ARGS, ", ");
        this.print(">");
        break;
      }
      case B:
        this.printBackref(PATH, inValue);
        break;
      default:
        this.invalid();
        return;
    }
    this.popDepth();
  }

  private printGenericArg(): void {
    if (this.eat(L)) {
      const lt = this.pInt();
      if (lt < 0) return;
      this.printLifetimeFromIndex(lt);
    } else if (this.eat(K)) {
      this.printConst(false);
    } else {
      this.printType();
    }
  }

  private printType(): void {
    const tag = this.pTag();
    if (tag < 0) return;
    const basic = basicTypes[tag];
    if (basic !== undefined) {
      this.print(basic);
      return;
    }
    if (!this.pPush()) return;
    switch (tag) {
      case R:
      case Q: {
        this.print("&");
        if (this.eat(L)) {
          const lt = this.pInt();
          if (lt < 0) return;
          if (lt !== 0) {
            this.printLifetimeFromIndex(lt);
            this.print(" ");
          }
        }
        if (tag !== R) this.print("mut ");
        this.printType();
        break;
      }
      case P:
      case O:
        this.print("*");
        this.print(tag !== P ? "mut " : "const ");
        this.printType();
        break;
      case A:
      case S:
        this.print("[");
        this.printType();
        if (tag === A) {
          this.print("; ");
          this.printConst(true);
        }
        this.print("]");
        break;
      case T: {
        this.print("(");
        const count = this.printSepList(TYPES, ", ");
        if (count === 1) this.print(",");
        this.print(")");
        break;
      }
      case F:
        this.inBinder(FN_SIG);
        break;
      case D: {
        this.print("dyn ");
        this.inBinder(DYN_BOUNDS);
        if (!this.eat(L)) {
          this.invalid();
          return;
        }
        const lt = this.pInt();
        if (lt < 0) return;
        if (lt !== 0) {
          this.print(" + ");
          this.printLifetimeFromIndex(lt);
        }
        break;
      }
      case B:
        this.printBackref(TYPE, false);
        break;
      default:
        // Not a type tag: go back so printPath sees it.
        if (this.err === null) this.next--;
        this.printPath(false);
    }
    this.popDepth();
  }

  private printPathMaybeOpenGenerics(): boolean {
    if (this.eat(B)) return this.printBackref(OPEN_PATH, false);
    if (this.eat(I)) {
      this.printPath(false);
      this.print("<");
      this.printSepList(GENERIC_ARGS, ", ");
      return true;
    }
    this.printPath(false);
    return false;
  }

  private printDynTrait(): void {
    let open = this.printPathMaybeOpenGenerics();
    while (this.eat(p_)) {
      if (!open) {
        this.print("<");
        open = true;
      } else this.print(", ");
      if (!this.pIdent()) return;
      this.printIdent();
      this.print(" = ");
      this.printType();
    }
    if (open) this.print(">");
  }

  private printConstField(): void {
    if (!this.pDis()) return;
    if (!this.pIdent()) return;
    this.printIdent();
    this.print(": ");
    this.printConst(true);
  }

  private printConst(inValue: boolean): void {
    const tag = this.pTag();
    if (tag < 0) return;
    if (!this.pPush()) return;
    let openedBrace = false;
    const openBraceIfOutsideExpr = () => {
      if (inValue) return;
      openedBrace = true;
      this.print("{");
    };
    switch (tag) {
      case p_:
        this.print("_");
        break;
      case h_:
      case 116 /* t */:
      case 109 /* m */:
      case 121 /* y */:
      case 111 /* o */:
      case 106 /* j */:
        if (!this.printConstUint(tag)) return;
        break;
      case 97 /* a */:
      case s_:
      case 108 /* l */:
      case 120 /* x */:
      case n_:
      case 105 /* i */:
        if (this.eat(n_)) this.print("-");
        if (!this.printConstUint(tag)) return;
        break;
      case b_: {
        const hex = this.pHex();
        if (hex < 0) return;
        const v = parseUint(latin1(this.sym, hex, this.next - 1));
        if (v === 0n) this.print("false");
        else if (v === 1n) this.print("true");
        else {
          this.invalid();
          return;
        }
        break;
      }
      case c_: {
        const hex = this.pHex();
        if (hex < 0) return;
        const v = parseUint(latin1(this.sym, hex, this.next - 1));
        if (v === undefined || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn)) {
          this.invalid();
          return;
        }
        this.printText(quoteChars("'", [Number(v)]));
        break;
      }
      case e_:
        openBraceIfOutsideExpr();
        this.print("*");
        if (!this.printConstStrLiteral()) return;
        break;
      case R:
      case Q:
        if (tag === R && this.eat(e_)) {
          if (!this.printConstStrLiteral()) return;
        } else {
          openBraceIfOutsideExpr();
          this.print("&");
          if (tag !== R) this.print("mut ");
          this.printConst(true);
        }
        break;
      case A:
        openBraceIfOutsideExpr();
        this.print("[");
        this.printSepList(CONSTS, ", ");
        this.print("]");
        break;
      case T: {
        openBraceIfOutsideExpr();
        this.print("(");
        const count = this.printSepList(CONSTS, ", ");
        if (count === 1) this.print(",");
        this.print(")");
        break;
      }
      case V: {
        openBraceIfOutsideExpr();
        this.printPath(true);
        const kind = this.pTag();
        if (kind < 0) return;
        if (kind === U) {
          // unit variant
        } else if (kind === T) {
          this.print("(");
          this.printSepList(CONSTS, ", ");
          this.print(")");
        } else if (kind === S) {
          this.print(" { ");
          this.printSepList(CONST_FIELDS, ", ");
          this.print(" }");
        } else {
          this.invalid();
          return;
        }
        break;
      }
      case B:
        this.printBackref(CONST, inValue);
        break;
      default:
        this.invalid();
        return;
    }
    if (openedBrace) this.print("}");
    this.popDepth();
  }

  /** Returns false when the caller must stop (parse error). */
  private printConstUint(tyTag: number): boolean {
    const start = this.pHex();
    if (start < 0) return false;
    const hex = latin1(this.sym, start, this.next - 1);
    const v = parseUint(hex);
    if (v !== undefined) this.print(v.toString());
    else this.print(`0x${hex}`);
    if (this.printing && !this.alternate) this.print(basicTypes[tyTag] ?? "");
    return true;
  }

  private printConstStrLiteral(): boolean {
    const start = this.pHex();
    if (start < 0) return false;
    const chars = parseStrChars(latin1(this.sym, start, this.next - 1));
    if (chars === undefined) {
      this.invalid();
      return false;
    }
    this.printText(quoteChars('"', chars));
    return true;
  }
}

/** ASCII bytes as a string (the rare paths: consts, punycode, ABI names). */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

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

/** Length of the `_R` / `R` / `__R` prefix of a v0 symbol at `start`, or 0. */
export function v0PrefixLength(sym: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n > 2 && sym[start] === UNDERSCORE && sym[start + 1] === R) return 2;
  if (n > 1 && sym[start] === R) return 1;
  if (n > 3 && sym[start] === UNDERSCORE && sym[start + 1] === UNDERSCORE && sym[start + 2] === R) return 3;
  return 0;
}

/** The printer of the output, and the one that only validates (instantiating crates, the careful path). */
const printer = new Printer();
const checker = new Printer();

/** Validates the instantiating crate that may follow a v0 path at `at`; returns where it ends, or -1. */
function skipInstantiatingCrate(sym: Uint8Array, base: number, end: number, at: number): number {
  if (at >= end || !isUpper(sym[at]!)) return at;
  checker.reset(sym, base, end, false, false, unusedSink, at).printPath(false);
  return checker.error() !== null ? -1 : checker.position();
}

/**
 * Demangles the v0 symbol in `sym[start, end)` (ASCII bytes: the caller checks) into `out`; returns the
 * index where the symbol (path and instantiating crate) ends, so the caller can judge a suffix, or -1 when
 * it is not a v0 symbol (then `out` may hold partial output: the caller rewinds it). `{}` when `alternate`
 * is false, `{:#}` when true.
 *
 * One pass in the common case: printing follows the same top-level parse as validation, so when it meets
 * no error at all (not even inside a backreference) and stays under the size limit, its text is the
 * answer. Otherwise the careful way: validate first, then print (errors inside backreferences are printed
 * as rustc-demangle prints them).
 */
export function demangleV0(sym: Uint8Array, start: number, end: number, alternate: boolean, out: ByteSink, maxOutput = MAX_OUTPUT): number {
  const prefix = v0PrefixLength(sym, start, end);
  if (prefix === 0) return -1;
  const base = start + prefix;
  if (!isUpper(sym[base]!)) return -1;
  const outStart = out.length;
  // The Windows spelling (`R…` without `_`) takes the careful path, as it always has.
  if (prefix !== 1) {
    printer.reset(sym, base, end, alternate, true, out, base, maxOutput);
    let clean = true;
    try {
      printer.printPath(true);
    } catch {
      clean = false;
    }
    if (clean && !printer.sawError && printer.error() === null) return skipInstantiatingCrate(sym, base, end, printer.position());
    out.length = outStart;
  }
  checker.reset(sym, base, end, false, false, unusedSink).printPath(false);
  if (checker.error() !== null) return -1;
  const pathEnd = skipInstantiatingCrate(sym, base, end, checker.position());
  if (pathEnd < 0) return -1;
  // The instantiating crate is not printed, as in rustc-demangle.
  printer.reset(sym, base, pathEnd, alternate, true, out, base, maxOutput);
  try {
    printer.printPath(true);
  } catch (e) {
    if (e instanceof SizeLimit) out.ascii("{size limit reached}");
    else throw e;
  }
  return pathEnd;
}
