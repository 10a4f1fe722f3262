/** Debian's `prometheus` package (prometheus + promtool), installed by .ci/run; required in CI. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

function onPath(tool: string): boolean {
  try {
    execFileSync(tool, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** True when prometheus and promtool are installed; in CI their absence is an error, not a skip. */
export function requirePrometheus(): boolean {
  if (onPath("promtool") && onPath("prometheus")) return true;
  if (process.env.CI) throw new Error("prometheus/promtool missing in CI: apt-get install prometheus (see .ci/run)");
  return false;
}

export function promtool(args: string[], input?: string): { code: number; output: string } {
  try {
    const output = execFileSync("promtool", args, { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    return { code: 0, output };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

export interface PrometheusServer {
  url: string;
  process: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/** Starts the prometheus binary directly (not as a service) on a loopback port with a temp config and TSDB. */
export function startPrometheus(port: number, scrapeTarget: string): PrometheusServer {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ad-prometheus-"));
  const config = path.join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "  - job_name: async-doctor",
      "    honor_labels: true",
      "    static_configs:",
      `      - targets: ["${scrapeTarget}"]`,
      "",
    ].join("\n"),
  );
  const child = spawn(
    "prometheus",
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An instant query through Prometheus' HTTP API: the vector's samples as labels + value. */
export async function query(url: string, expr: string): Promise<{ metric: Record<string, string>; value: number }[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== "success" || !body.data) throw new Error(`query ${expr}: ${JSON.stringify(body)}`);
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}
