/**
 * The dashboard: a header with the sources (several can be shown side by side) and the views; each
 * selected source gets a column with the current view; a selected task opens the Task detail panel.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import type { SourceInfo } from "../shared/api-types.ts";
import { AppContext, type AppState, type Selection, type ViewName } from "./context.ts";
import type { DataSource } from "./data-source.ts";
import { DiagnosesView } from "./views/diagnoses-view.tsx";
import { ResourcesView } from "./views/resources-view.tsx";
import { TaskDetailPanel } from "./views/task-detail.tsx";
import { TasksView } from "./views/tasks-view.tsx";
import { TimelineView } from "./views/timeline-view.tsx";
import { DoctorView } from "./views/doctor-view.tsx";

const VIEWS: { name: ViewName | "doctor"; label: string }[] = [
  { name: "tasks", label: "Tasks" },
  { name: "timeline", label: "Timeline" },
  { name: "resources", label: "Resources" },
  { name: "diagnoses", label: "Diagnoses" },
];

export function App({ data }: { data: DataSource }) {
  const [sources, setSources] = useState<SourceInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [versions, setVersions] = useState<Record<number, number>>({});
  const [shown, setShown] = useState<number[]>([0]);
  const [view, setView] = useState<ViewName | "doctor">(data.report?.doctor ? "doctor" : "tasks");
  const [selected, select] = useState<Selection | null>(null);
  const [timeAt, setTimeAtState] = useState<Record<number, number | null>>({});
  const [windows, setWindows] = useState<Record<number, [number, number] | null>>({});

  useEffect(() => {
    let stop = () => {};
    data
      .sources()
      .then((list) => {
        setSources(list);
        setVersions(Object.fromEntries(list.map((s) => [s.index, s.version])));
        stop = data.subscribe((notice) => {
          setVersions((v) => (v[notice.index] === notice.version ? v : { ...v, [notice.index]: notice.version }));
          setSources((list) => list.map((s) => (s.index === notice.index ? { ...s, updates: notice.updates, now: notice.now, done: notice.done, error: notice.error, version: notice.version } : s)));
        });
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return () => stop();
  }, [data]);

  // Source infos carry the scrubber's range: refresh them when a source changes.
  const versionKey = Object.values(versions).join(",");
  useEffect(() => {
    if (!data.offline && sources.length > 0) data.sources().then(setSources).catch(() => {});
  }, [versionKey]);

  const state: AppState = useMemo(
    () => ({
      data,
      sources,
      versions,
      selected,
      select,
      timeAt,
      setTimeAt: (source, at) => setTimeAtState((t) => ({ ...t, [source]: at })),
      window: windows,
      setWindow: (source, w) => setWindows((all) => ({ ...all, [source]: w })),
      showView: (v) => setView(v),
    }),
    [data, sources, versions, selected, timeAt, windows],
  );

  const toggle = (index: number) => setShown((list) => (list.includes(index) ? (list.length > 1 ? list.filter((i) => i !== index) : list) : [...list, index].sort((a, b) => a - b)));
  const views = data.report?.doctor ? [{ name: "doctor" as const, label: "Doctor" }, ...VIEWS] : VIEWS;

  return (
    <AppContext.Provider value={state}>
      <header class="top">
        <h1>async-doctor</h1>
        <nav class="views" data-testid="views">
          {views.map((v) => (
            <button key={v.name} class={view === v.name ? "active" : ""} data-testid={`view-${v.name}`} onClick={() => setView(v.name)}>
              {v.label}
            </button>
          ))}
        </nav>
        <div class="sources" data-testid="sources">
          {sources.map((s) => (
            <label key={s.index} class={`source ${s.error ? "failed" : ""}`} title={s.description}>
              <input type="checkbox" checked={shown.includes(s.index)} onChange={() => toggle(s.index)} data-testid={`source-toggle-${s.index}`} />
              <span class="kind">{s.kind}</span> {s.label}
              <span class="status" data-testid={`source-status-${s.index}`}>
                {s.error ? `error: ${s.error}` : `${s.updates} updates${s.done ? "" : s.kind === "live" ? " · live" : " · reading"}`}
              </span>
            </label>
          ))}
        </div>
        {data.reportUrl ? (
          <a class="export" href={data.reportUrl} download="async-doctor-report.html" data-testid="export-report">
            Export report
          </a>
        ) : (
          <span class="export offline">offline report · {data.report?.generatedAt}</span>
        )}
      </header>
      {error ? <p class="error">{error}</p> : null}
      <main class={`columns ${selected ? "with-detail" : ""}`}>
        {view === "doctor" ? (
          <DoctorView />
        ) : (
          sources
            .filter((s) => shown.includes(s.index))
            .map((s) => (
              <section key={s.index} class="column" data-testid={`column-${s.index}`}>
                {shown.length > 1 ? <h2 class="column-title">{s.label}</h2> : null}
                {s.limitations.length > 0 ? <p class="limits">{s.limitations.join("; ")}</p> : null}
                {view === "tasks" ? <TasksView source={s} /> : null}
                {view === "timeline" ? <TimelineView source={s} /> : null}
                {view === "resources" ? <ResourcesView source={s} /> : null}
                {view === "diagnoses" ? <DiagnosesView source={s} /> : null}
              </section>
            ))
        )}
        {selected ? <TaskDetailPanel selection={selected} /> : null}
      </main>
    </AppContext.Provider>
  );
}
