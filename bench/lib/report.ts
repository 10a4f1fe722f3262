/**
 * The result block every benchmark prints (bench/README.md): one line on stdout, `BENCH_RESULT ` followed
 * by JSON. `npm run bench` (bench/run.ts) collects these blocks and regenerates its part of
 * docs/benchmarks.md from them; run alone, a bench prints the same block after its human-readable output.
 */

export const resultMarker = "BENCH_RESULT ";

export interface BenchTable {
  caption?: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

export interface BenchTarget {
  /** What is compared, e.g. "`trace demangle` CPU vs `c++filt`". */
  what: string;
  /** The goal in words, e.g. "≤ 2×". */
  target: string;
  /** The figure measured, e.g. "1.62×". */
  measured: string;
  met: boolean;
}

export interface BenchResult {
  /** One-line heading of the generated section. */
  title: string;
  /** What the figures are compared against in the same run (c++filt, a raw parse, `node -e 0`, …). */
  baseline: string;
  /** How it was measured: runs, medians, CPU or wall time, inputs. */
  method: string;
  tables: BenchTable[];
  targets?: BenchTarget[];
  notes?: string[];
  /** Set instead of figures when the bench cannot run here (missing corpus, browser, toolchain). */
  skipped?: string;
}

/** Prints the result block (after the bench's own output). */
export function reportBench(result: BenchResult): void {
  process.stdout.write(`\n${resultMarker}${JSON.stringify(result)}\n`);
}

/** A bench that cannot run here says why and exits 0: `npm run bench` keeps its previous figures. */
export function skipBench(title: string, reason: string): never {
  process.stderr.write(`${title}: skipped: ${reason}\n`);
  reportBench({ title, baseline: "", method: "", tables: [], skipped: reason });
  process.exit(0);
}
