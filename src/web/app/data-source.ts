/**
 * Where the page's data comes from: the `console web` server (fetch + Server-Sent Events), or the JSON
 * embedded in an offline report (no network at all). Views ask for the same paths either way.
 */
import type { LiveNotice, ReportData, ReportSource, SourceInfo } from "../shared/api-types.ts";

export interface DataSource {
  readonly offline: boolean;
  readonly report: ReportData | null;
  sources(): Promise<SourceInfo[]>;
  json<T>(path: string): Promise<T>;
  binary(path: string): Promise<ArrayBuffer>;
  /** Change notices (live only); returns a function that stops listening. */
  subscribe(listener: (notice: LiveNotice) => void): () => void;
  /** Where "Export report" points (null offline: the page is the report). */
  reportUrl: string | null;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

class LiveData implements DataSource {
  readonly offline = false;
  readonly report = null;
  readonly reportUrl = "/api/report.html";

  sources(): Promise<SourceInfo[]> {
    return this.json<SourceInfo[]>("/api/sources");
  }

  async json<T>(path: string): Promise<T> {
    const response = await fetch(path, { headers: { accept: "application/json" } });
    const body = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new HttpError(response.status, body.error ?? response.statusText);
    return body;
  }

  async binary(path: string): Promise<ArrayBuffer> {
    const response = await fetch(path);
    if (!response.ok) throw new HttpError(response.status, response.statusText);
    return response.arrayBuffer();
  }

  subscribe(listener: (notice: LiveNotice) => void): () => void {
    const events = new EventSource("/api/events");
    const onNotice = (e: MessageEvent<string>) => listener(JSON.parse(e.data) as LiveNotice);
    events.addEventListener("notice", onNotice as EventListener);
    return () => events.close();
  }
}

function base64ToBuffer(text: string): ArrayBuffer {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return bytes.buffer;
}

/** Answers the API's paths from a report's embedded data. */
class ReportDataSource implements DataSource {
  readonly offline = true;
  readonly reportUrl = null;
  constructor(readonly report: ReportData) {}

  async sources(): Promise<SourceInfo[]> {
    return this.report.sources.map((s) => s.info);
  }

  private source(path: string): { s: ReportSource; rest: string[] } {
    const m = /^\/api\/s\/(\d+)\/(.*)$/.exec(path.split("?")[0]!);
    const s = m ? this.report.sources[Number(m[1])] : undefined;
    if (!m || !s) throw new HttpError(404, `not in this report: ${path}`);
    return { s, rest: m[2]!.split("/") };
  }

  async json<T>(path: string): Promise<T> {
    const { s, rest } = this.source(path);
    switch (rest[0]) {
      case "tasks":
        return s.tasks as T;
      case "diagnoses":
        return s.diagnoses as T;
      case "resources":
        return s.resources as T;
      case "timeline":
        return s.timeline as T;
      case "task": {
        const detail = s.details[decodeURIComponent(rest[1] ?? "")];
        if (!detail) throw new HttpError(404, "this task's details are not in the report (only diagnosed and named tasks are)");
        return detail as T;
      }
    }
    throw new HttpError(404, `not in this report: ${path}`);
  }

  async binary(path: string): Promise<ArrayBuffer> {
    const { s } = this.source(path);
    if (!s.timelineBin) throw new HttpError(404, "no poll timeline in this report");
    return base64ToBuffer(s.timelineBin);
  }

  subscribe(): () => void {
    return () => {};
  }
}

export function openDataSource(): DataSource {
  const embedded = document.getElementById("async-doctor-data");
  if (embedded?.textContent) return new ReportDataSource(JSON.parse(embedded.textContent) as ReportData);
  return new LiveData();
}
