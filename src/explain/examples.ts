import type { CodeBlock } from "./markdown.ts";
import { compiledCode } from "./markdown.ts";

/**
 * How CI treats one Rust example, from its info string: ```` ```rust MODE [bad] [E0277] [tokio>=1.29] ````
 * - `check`: compiles (`cargo check`) against Debian's tokio 1.24.2.
 * - `run`: compiles and runs; the next ```` ```output ```` block is its exact stdout.
 * - `compile_fail`: must NOT compile; an `E….` token names the error code rustc must report, and a
 *   following ```` ```error ```` block holds text rustc's message must contain.
 * - `newer-tokio`: needs a newer tokio than 1.24.2 (the `tokio>=` token says which); CI only parses it.
 * - `external`: needs a crate that Debian 12 does not ship (`needs=console-subscriber`); CI only parses it.
 * `bad` marks an example that shows a mistake (it still compiles unless it is compile_fail).
 * `name=<slug>` gives the example a stable name (`<topic>_<slug>`) that tests can cite (the claims
 * test names the examples that prove a review row); without it the name is `<topic>_<n>`.
 */
export type ExampleMode = "check" | "run" | "compile_fail" | "newer-tokio" | "external";

export interface RustExample {
  topicId: string;
  /** `<topic id with _>_<slug>` from a `name=` token, else `<topic id with _>_<n>` (n counts from 1 within the topic). */
  name: string;
  /** The `name=` slug, when given. */
  label?: string;
  mode: ExampleMode;
  bad: boolean;
  errorCode?: string;
  minTokio?: string;
  needs?: string;
  expectedOutput?: string;
  /** For compile_fail: text rustc's output must contain (the following ```` ```error ```` block). */
  expectedError?: string;
  /** Code as compiled (hidden lines included, without their `# ` prefix). */
  code: string;
  line: number;
}

const modes: readonly ExampleMode[] = ["check", "run", "compile_fail", "newer-tokio", "external"];

/** Modes that CI only parses (tree-sitter) because Debian's crates cannot build them. */
export function isParseOnly(mode: ExampleMode): boolean {
  return mode === "newer-tokio" || mode === "external";
}

export function parseExampleInfo(info: string): Pick<RustExample, "mode" | "bad" | "errorCode" | "minTokio" | "needs" | "label"> {
  const [lang, ...tokens] = info.split(/\s+/);
  if (lang !== "rust") throw new Error(`not a rust block: ${info}`);
  let mode: ExampleMode | undefined;
  let bad = false;
  let errorCode: string | undefined;
  let minTokio: string | undefined;
  let needs: string | undefined;
  let label: string | undefined;
  for (const token of tokens) {
    if ((modes as readonly string[]).includes(token)) {
      if (mode) throw new Error(`two modes in info string "${info}"`);
      mode = token as ExampleMode;
    } else if (token === "bad") bad = true;
    else if (/^E\d{4}$/.test(token)) errorCode = token;
    else if (/^tokio>=\d+\.\d+$/.test(token)) minTokio = token.slice("tokio>=".length);
    else if (/^needs=[a-z0-9_-]+$/.test(token)) needs = token.slice("needs=".length);
    else if (/^name=[a-z0-9]+(-[a-z0-9]+)*$/.test(token)) label = token.slice("name=".length);
    else throw new Error(`unknown token "${token}" in info string "${info}"`);
  }
  if (!mode) throw new Error(`info string "${info}" must say how CI treats it: ${modes.join(", ")}`);
  if (mode === "newer-tokio" && !minTokio) throw new Error(`"${info}": newer-tokio needs tokio>=X.Y`);
  if (mode === "external" && !needs) throw new Error(`"${info}": external needs needs=CRATE`);
  if (errorCode && mode !== "compile_fail") throw new Error(`"${info}": an error code only fits compile_fail`);
  return { mode, bad, errorCode, minTokio, needs, ...(label ? { label } : {}) };
}

export function examplesOf(topicId: string, blocks: CodeBlock[]): RustExample[] {
  const out: RustExample[] = [];
  blocks.forEach((block, index) => {
    if (block.lang !== "rust") return;
    const info = parseExampleInfo(block.info);
    const prefix = topicId.replace(/-/g, "_");
    const name = `${prefix}_${info.label ? info.label.replace(/-/g, "_") : out.length + 1}`;
    if (out.some((other) => other.name === name)) throw new Error(`${topicId}.md:${block.line}: two examples named ${name}`);
    const example: RustExample = {
      topicId,
      name,
      ...info,
      code: compiledCode(block.raw),
      line: block.line,
    };
    if (info.mode === "run") {
      const next = blocks[index + 1];
      if (!next || next.lang !== "output") {
        throw new Error(`${topicId}.md:${block.line}: a "rust run" example must be followed by an output block`);
      }
      example.expectedOutput = next.raw;
    }
    if (info.mode === "compile_fail" && blocks[index + 1]?.lang === "error") example.expectedError = blocks[index + 1]!.raw.trim();
    out.push(example);
  });
  return out;
}
