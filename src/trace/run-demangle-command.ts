import { UsageError } from "../cli/errors.ts";
import { demangleLine, demangleLineInto } from "./demangle/index.ts";
import { ChunkedOutput, forEachLineBytes, OutputClosed } from "./line-io.ts";
import { traceLimits } from "./limits.ts";

// A module of its own: `trace demangle` loads the demangler and line I/O, not the log analysis.

export interface DemangleCommandOptions {
  hash: boolean;
}

/**
 * `async-doctor trace demangle [SYMBOL...]`: one output line per input line, like rustfilt; streamed from
 * bytes to bytes (a line that is a bare symbol is demangled without making a string).
 */
export async function runDemangleCommand(symbols: string[], options: DemangleCommandOptions): Promise<number> {
  const opts = { hash: options.hash, maxOutput: traceLimits().maxSymbolOutput };
  if (symbols.length > 0) {
    process.stdout.write(symbols.map((s) => demangleLine(s, opts)).join("\n") + "\n");
    return 0;
  }
  if (process.stdin.isTTY) throw new UsageError("trace demangle: give symbols as arguments or pipe them into stdin, one per line");
  const out = new ChunkedOutput();
  try {
    await forEachLineBytes("-", "trace demangle", traceLimits().maxLineChars, (bytes, start, end) => {
      demangleLineInto(bytes, start, end, opts, out.sink);
      out.sink.byte(10);
      out.flushIfFull();
    });
    out.flush();
  } catch (error) {
    if (error instanceof OutputClosed) return 0;
    throw error;
  }
  return 0;
}
