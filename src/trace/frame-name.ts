import { tryDemangle } from "./demangle/index.ts";

/**
 * Normalises a frame name as printed in a backtrace: demangles raw symbols, and drops legacy hashes
 * (`::h0123456789abcdef`) and v0 crate disambiguators (`core[c1f1a4ba060b9bfa]`) so that the same
 * function has the same name in short, full, legacy and v0 traces.
 */
const normalised = new Map<string, string>();

export function normaliseFrameName(name: string, maxOutput?: number, onComputed?: (chars: number) => void): string {
  // Logs repeat the same frames over and over: remember the answers (bounded).
  const hit = normalised.get(name);
  if (hit !== undefined) return hit;
  const out = normaliseUncached(name, maxOutput);
  onComputed?.(out.length);
  if (normalised.size > 50_000) normalised.clear();
  normalised.set(name, out);
  return out;
}

function normaliseUncached(name: string, maxOutput?: number): string {
  let s = name.trim();
  if (/^_?_?(ZN|R[A-Z])/.test(s)) {
    const d = tryDemangle(s, maxOutput === undefined ? {} : { maxOutput });
    if (d) return d.text;
  }
  if (s.includes("::h")) s = s.replace(/::h[0-9a-f]{16}(?=$|\s|\.)/g, "");
  if (s.includes("[")) s = s.replace(/(\w)\[[0-9a-f]{1,16}\]/g, "$1");
  return s;
}

const closureSegment = /^(?:\{\{closure\}\}|\{closure#\d+\}|\{async_fn#\d+\}|\{async_block#\d+\}|\{closure_env#\d+\}|\{async_fn_env#\d+\}|\{async_block_env#\d+\})$/;

/** Splits a path on top-level `::` (not inside `<…>`). */
export function splitPath(name: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === "<") depth++;
    else if (c === ">" && name[i - 1] !== "-") depth = Math.max(0, depth - 1);
    else if (c === ":" && name[i + 1] === ":" && depth === 0) {
      parts.push(name.slice(start, i));
      i++;
      start = i + 1;
    }
  }
  parts.push(name.slice(start));
  return parts;
}

export interface NameShape {
  /** The function path without trailing closure segments (and without generic args on the last segment). */
  base: string;
  /** Trailing `{{closure}}` / `{closure#N}` / `{async_*#N}` segments, outermost first. */
  closures: string[];
  /** Crate of the path (first segment; for `<T as Trait>` the crate of T), if any. */
  crate?: string;
}

export function nameShape(demangled: string): NameShape {
  const parts = splitPath(demangled);
  const closures: string[] = [];
  while (parts.length > 0) {
    const last = parts[parts.length - 1];
    // line-tables-only names carry generic args after the closure: `{async_fn#0}<btdemo::MemStore>`
    const bare = last.replace(/<.*$/, "");
    if (!closureSegment.test(bare)) break;
    closures.unshift(bare);
    parts.pop();
  }
  const base = parts.join("::");
  return { base, closures, crate: crateOf(demangled) };
}

export function crateOf(name: string): string | undefined {
  let s = name;
  for (;;) {
    const prefix = /^(?:<|&mut |&|\*const |\*mut |dyn |\(|\[)/.exec(s);
    if (!prefix) break;
    s = s.slice(prefix[0].length);
  }
  const m = /^([A-Za-z_][A-Za-z0-9_]*)::/.exec(s);
  return m ? m[1] : undefined;
}
