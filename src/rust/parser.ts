import { createRequire } from "node:module";
import type { Node, Parser, Tree } from "web-tree-sitter";
import { inputLimits } from "../util/input-limits.ts";

/**
 * tree-sitter-rust through web-tree-sitter (WASM). Measured on this machine kind
 * (../shared/reference/node-toolchain.md and bench/lint.ts): WASM parses about 25 % slower than the
 * native binding but its trees live in WASM memory that `tree.delete()` frees at once, so memory
 * stays flat over a whole registry (the native binding frees trees only after GC and grows by
 * hundreds of MB per pass). It also needs no compiler or prebuilt binary at install time.
 *
 * The WASM instance can die: Emscripten's `abort()` (out of WASM memory, any internal failure) leaves
 * it unusable, and every later call would fail with `Aborted()`. So the instance is disposable: a
 * failure inside it marks it dead, and the next `rustParser()` loads a fresh copy of the module (a new
 * module URL is a new module instance in Node's ESM loader, with its own WASM memory). Only the file
 * being parsed when it died fails. The instance's memory is capped (`inputLimits.parserMemoryMb`), so
 * a hostile file ends in that one-file failure instead of taking the process's memory.
 */
type TreeSitterModule = typeof import("web-tree-sitter");

export type { Node as SyntaxNode, Tree as SyntaxTree, Parser as RustParser };

interface Instance {
  parser: Parser;
  generation: number;
  dead: boolean;
}

/** The WebAssembly global (Node has it; the project's TypeScript libs do not declare it). */
const wasm = (globalThis as unknown as {
  WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => object; RuntimeError: new (message?: string) => Error };
}).WebAssembly;

let current: Promise<Instance> | undefined;
/** The instance the last parse used, so a failure marks that one dead and not a newer one. */
let lastUsed: Instance | undefined;
let generation = 0;

/** Thrown for a file whose parse killed or timed out the WASM parser; the message is for one notice line. */
export class ParserFailure extends Error {
  override readonly name = "ParserFailure";
}

async function createInstance(): Promise<Instance> {
  const require = createRequire(import.meta.url);
  const id = ++generation;
  // The ES module build (a CommonJS one would come from require's cache, dead instance included).
  const url = `${import.meta.resolve("web-tree-sitter")}?instance=${id}`;
  const ts = (await import(url)) as TreeSitterModule;
  const pages = Math.max(512, Math.floor((inputLimits().parserMemoryMb * 1024 * 1024) / 65536));
  await ts.Parser.init({
    wasmMemory: new wasm.Memory({ initial: 512, maximum: Math.min(pages, 32768) }),
    // Emscripten prints "Aborted(…)" itself; the caller reports the failure once, in its own words.
    printErr: () => {},
  });
  const language = await ts.Language.load(require.resolve("tree-sitter-rust/tree-sitter-rust.wasm"));
  const parser = new ts.Parser();
  parser.setLanguage(language);
  return { parser, generation: id, dead: false };
}

async function instance(): Promise<Instance> {
  const found = current ? await current : undefined;
  if (found && !found.dead) return found;
  current = createInstance();
  current.catch(() => (current = undefined));
  return current;
}

export async function rustParser(): Promise<Parser> {
  lastUsed = await instance();
  return lastUsed.parser;
}

/** True for errors that come from inside the WASM instance (abort, out of bounds, out of memory). */
export function isParserCrash(error: unknown): boolean {
  if (error instanceof wasm.RuntimeError) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /Aborted\(|memory access out of bounds|out of memory|unreachable/i.test(message);
}

/**
 * After a failure inside WASM the instance is not trusted any more: the next parse gets a new one.
 * Returns the one-line reason to report for the file.
 */
export function discardParserAfter(error: unknown): string {
  if (lastUsed) lastUsed.dead = true;
  const message = error instanceof Error ? error.message : String(error);
  // Emscripten aborts with an empty reason when malloc fails: in practice the memory cap was reached.
  if (/Aborted\((OOM)?\)|out of memory|Cannot enlarge memory/i.test(message)) {
    return `the parser ran out of memory (cap ${inputLimits().parserMemoryMb} MiB, ASYNC_DOCTOR_PARSER_MEMORY_MB)`;
  }
  return `the parser failed (${message.split("\n")[0]!.replace(/\. Build with -sASSERTIONS.*$/, "")})`;
}

export interface ParseOptions {
  /** Give up after this many milliseconds (absolute `performance.now()` deadline). */
  deadline?: number;
}

/**
 * Parses `text`; a crash of the WASM instance becomes a ParserFailure (and a fresh instance for the
 * next caller), a parse past the deadline a ParserFailure too.
 */
export async function parseRust(text: string, options: ParseOptions = {}): Promise<{ parser: Parser; tree: Tree }> {
  const parser = await rustParser();
  const deadline = options.deadline;
  let tree: Tree | null;
  try {
    tree = deadline === undefined ? parser.parse(text) : parser.parse(text, null, { progressCallback: () => performance.now() > deadline });
  } catch (error) {
    if (isParserCrash(error)) throw new ParserFailure(discardParserAfter(error));
    throw error;
  }
  if (!tree) {
    if (deadline !== undefined && performance.now() > deadline) throw new ParserFailure(timeBudgetMessage());
    throw new ParserFailure("tree-sitter returned no tree");
  }
  return { parser, tree };
}

export function timeBudgetMessage(): string {
  return `over the time budget of ${inputLimits().fileTimeBudgetMs} ms per file (ASYNC_DOCTOR_FILE_TIME_BUDGET_MS)`;
}

/** Parses, hands the tree to `use`, and frees it afterwards: trees never outlive one file's analysis. */
export async function withRustTree<T>(text: string, use: (tree: Tree) => T): Promise<T> {
  const { tree } = await parseRust(text);
  try {
    return use(tree);
  } catch (error) {
    if (isParserCrash(error)) throw new ParserFailure(discardParserAfter(error));
    throw error;
  } finally {
    try {
      tree.delete();
    } catch {
      // The instance died under this tree; it is already discarded.
    }
  }
}

/** How many WASM instances this thread has created (more than one: one died and was replaced). */
export function parserInstancesCreated(): number {
  return generation;
}
