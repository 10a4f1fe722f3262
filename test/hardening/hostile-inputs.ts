/** Generators of the hostile inputs of issues #14 and #20, made at test time (small enough for CI). */

/** `depth` nested `tokio::join!` (issue #20 D1: 2 000 levels is 28 KB). */
export function nestedJoins(depth: number): string {
  return `async fn f() {\n${"tokio::join!(async { ".repeat(depth)}1${" }, async { 2 });".repeat(depth)}\n}\n`;
}

/** `depth` closures nested in one expression. */
export function nestedClosures(depth: number): string {
  return `fn f() {\n let c = ${"|x| ".repeat(depth)}1;\n}\n`;
}

/** `depth` fn items nested in each other's bodies. */
export function nestedFns(depth: number): string {
  let s = "";
  for (let i = 0; i < depth; i++) s += `fn f${i}() {\n`;
  s += "std::thread::sleep(d);\n";
  return s + "}\n".repeat(depth);
}

/** An async fn that blocks: one finding, for "the other files were still checked". */
export const blockingFile = "async fn a() { std::thread::sleep(std::time::Duration::from_secs(1)); }\n";

/** A large but ordinary file (many small async fns). */
export function manyFns(count: number): string {
  let s = "";
  for (let i = 0; i < count; i++) s += `async fn f${i}() { let x = vec![1, 2, 3]; x.iter().map(|v| v + 1).count(); }\n`;
  return s;
}

/**
 * A v0 symbol whose back-references double the demangled text at every level: level k is the tuple
 * `(T(k-1), T(k-1))` written as two back-references to level k-1 (issue #20 D2).
 */
export function v0BackrefBomb(levels: number, crate = "bomb"): string {
  // _R I <path> <generic-arg>... E ; path = NvC<crate>1f ; generic arg = type
  const prefix = `INvCs_${crate.length}${crate}1fT`;
  let body = "hh"; // the innermost tuple (u8, u8)
  // Positions are offsets after "_R"; the first tuple `T` starts at prefix.length - 1.
  let previous = prefix.length - 1;
  let symbol = prefix + body + "E";
  for (let k = 1; k < levels; k++) {
    const ref = `B${base62(previous)}`;
    const start = symbol.length;
    symbol += `T${ref}${ref}E`;
    previous = start;
  }
  return `_R${symbol}E`;
}

function base62(n: number): string {
  if (n === 0) return "_";
  const digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let v = n - 1;
  let out = "";
  do {
    out = digits[v % 62] + out;
    v = Math.floor(v / 62);
  } while (v > 0);
  return `${out}_`;
}
