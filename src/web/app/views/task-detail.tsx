/** Task detail: histograms, waker counts over time, spawn site with source and lint findings, diagnoses. */
import { useContext, useMemo } from "preact/hooks";
import type uPlot from "uplot";
import type { TaskDetail } from "../../shared/api-types.ts";
import { HistogramChart } from "../charts/histogram-chart.tsx";
import { UplotChart } from "../charts/uplot-chart.tsx";
import { AppContext, type Selection } from "../context.ts";
import { useData } from "../use-data.ts";
import { DiagnosisCard } from "./diagnoses-view.tsx";

export function TaskDetailPanel({ selection }: { selection: Selection }) {
  const app = useContext(AppContext);
  const version = app.versions[selection.source] ?? 0;
  const detail = useData<TaskDetail>(`/api/s/${selection.source}/task/${encodeURIComponent(selection.key)}`, version);
  const d = detail.data?.key === selection.key && detail.data.source === selection.source ? detail.data : undefined;
  return (
    <aside class="detail" data-testid="task-detail">
      <button class="close" onClick={() => app.select(null)} title="close">
        ×
      </button>
      {detail.error && !d ? <p class="error">{detail.error}</p> : null}
      {!d ? <p>loading…</p> : <DetailBody d={d} />}
    </aside>
  );
}

function DetailBody({ d }: { d: TaskDetail }) {
  const origin = d.series.at[0] ?? 0;
  const series = useMemo<uPlot.AlignedData>(() => [d.series.at.map((t) => (t - origin) / 1e9), d.series.wakes, d.series.selfWakes, d.series.liveWakers], [d]);
  const options = useMemo(
    () => ({
      height: 140,
      scales: { x: { time: false } },
      axes: [{ label: "s since first sample" }, { size: 44 }],
      series: [
        {},
        { label: "wakes", stroke: "#3a6ea5", width: 1.5 },
        { label: "self-wakes", stroke: "#c0392b", width: 1.5 },
        { label: "live wakers", stroke: "#27ae60", width: 1.5 },
      ],
    }),
    [],
  );
  return (
    <div>
      <h2 data-testid="detail-title">{d.name ? `${d.name}` : `task ${d.id}`}</h2>
      <dl class="facts">
        <dt>id</dt>
        <dd>{d.id}</dd>
        <dt>state</dt>
        <dd>{d.state}</dd>
        <dt>kind</dt>
        <dd>{d.kind}</dd>
        {d.pollCount !== null ? (
          <>
            <dt>polls (recording)</dt>
            <dd data-testid="detail-poll-count">{d.pollCount}</dd>
          </>
        ) : null}
        {Object.entries(d.fields).map(([k, v]) => (
          <>
            <dt key={`k${k}`}>{k}</dt>
            <dd key={`v${k}`}>{v}</dd>
          </>
        ))}
      </dl>
      {d.diagnoses.length > 0 ? (
        <section>
          <h3>Diagnoses</h3>
          {d.diagnoses.map((x, i) => (
            <DiagnosisCard key={i} d={x} source={d.source} compact />
          ))}
        </section>
      ) : null}
      <section>
        <h3>Poll times</h3>
        {d.pollHistogram ? <HistogramChart histogram={d.pollHistogram} title="poll time" testid="poll-histogram" /> : <p class="note">{d.histogramNote}</p>}
        {d.scheduledHistogram ? <HistogramChart histogram={d.scheduledHistogram} title="scheduled time (wake → poll)" testid="scheduled-histogram" /> : null}
      </section>
      {d.series.at.length > 1 ? (
        <section>
          <h3>Wakes and wakers over time</h3>
          <UplotChart options={options} data={series} testid="waker-series" />
        </section>
      ) : null}
      <SpawnSite d={d} />
    </div>
  );
}

function SpawnSite({ d }: { d: TaskDetail }) {
  const e = d.excerpt;
  return (
    <section data-testid="spawn-site">
      <h3>Spawn location</h3>
      {!e ? (
        <p class="note">the source sends no spawn location for this task (recordings do not)</p>
      ) : (
        <>
          <p>
            <code>{e.location}</code>
          </p>
          {e.missing ? (
            <p class="note">{e.missing}</p>
          ) : (
            <>
              <pre class="excerpt">
                {e.lines.map((line, i) => {
                  const n = e.firstLine + i;
                  const flagged = e.findings.some((f) => f.line === n);
                  return (
                    <div key={n} class={`${n === e.line ? "spawn-line" : ""} ${flagged ? "flagged" : ""}`}>
                      <span class="ln">{n}</span>
                      {line}
                    </div>
                  );
                })}
              </pre>
              {e.findings.length > 0 ? (
                <ul class="findings" data-testid="spawn-findings">
                  {e.findings.map((f, i) => (
                    <li key={i} class={`sev-${f.severity}`}>
                      <b>{f.rule}</b> line {f.line}: {f.message}
                      <div class="help">{f.help}</div>
                    </li>
                  ))}
                </ul>
              ) : (
                <p class="note">no lint findings in this code</p>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
