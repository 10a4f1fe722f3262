/** Diagnoses: every runtime rule hit with its evidence and help, linked to its task and time window. */
import { useContext } from "preact/hooks";
import type { DiagnosesView as DiagnosesData, DiagnosisView, SourceInfo } from "../../shared/api-types.ts";
import { AppContext } from "../context.ts";
import { formatTime } from "../format.ts";
import { useData } from "../use-data.ts";

export function DiagnosesView({ source }: { source: SourceInfo }) {
  const app = useContext(AppContext);
  const data = useData<DiagnosesData>(`/api/s/${source.index}/diagnoses`, app.versions[source.index] ?? 0);
  const s = data.data?.summary;
  return (
    <div class="diagnoses-view" data-testid="diagnoses-view">
      {data.error ? <p class="error">{data.error}</p> : null}
      {s ? (
        <p class="summary" data-testid="diagnoses-summary">
          {s.errors} error(s), {s.warnings} warning(s), {s.infos} info(s) in {s.tasks} tasks over {s.updates} updates
          {s.notApplicable.length > 0 ? ` · not checked: ${s.notApplicable.map((n) => `${n.rule} (${n.reason})`).join("; ")}` : ""}
        </p>
      ) : null}
      {(data.data?.diagnoses ?? []).map((d, i) => (
        <DiagnosisCard key={i} d={d} source={source.index} origin={source.range?.[0] ?? 0} />
      ))}
      {data.data && data.data.diagnoses.length === 0 ? <p class="note">no runtime problems found</p> : null}
    </div>
  );
}

export function DiagnosisCard({ d, source, compact, origin = 0 }: { d: DiagnosisView; source: number; compact?: boolean; origin?: number }) {
  const app = useContext(AppContext);
  const evidence = Object.entries(d.evidence).filter(([k, v]) => k !== "window" && k !== "notes" && typeof v !== "object");
  return (
    <article class={`diagnosis sev-${d.severity}`} data-testid="diagnosis" data-rule={d.rule} data-task={d.task?.name ?? ""}>
      <header>
        <span class="severity">{d.severity}</span> <b>{d.rule}</b>
        {d.task && !compact ? (
          <>
            {" "}
            <a href="#" data-testid="diagnosis-task" onClick={(e) => (e.preventDefault(), app.select({ source, key: d.taskKey ?? d.task!.id }))}>
              {d.task.name ? `'${d.task.name}'` : "unnamed task"} (id {d.task.id})
            </a>
          </>
        ) : null}{" "}
        <span class="confidence">confidence {d.confidence}</span>
      </header>
      <p>{d.message}</p>
      <p class="evidence">
        {evidence.map(([k, v]) => (
          <span key={k}>
            {k}={String(v)}{" "}
          </span>
        ))}
        {d.windowNs ? (
          <a
            href="#"
            onClick={(e) => {
              e.preventDefault();
              app.setWindow(source, d.windowNs);
              app.showView("timeline");
            }}
          >
            window {formatTime(d.windowNs[0], origin)}–{formatTime(d.windowNs[1], origin)}
          </a>
        ) : null}
      </p>
      {((d.evidence.notes as string[] | undefined) ?? []).map((n, i) => (
        <p key={i} class="note">
          {n}
        </p>
      ))}
      {d.related.length > 0 ? <p class="related">related: {d.related.map((r) => `${r.role} ${r.kind} ${r.name || r.id}`).join(", ")}</p> : null}
      <p class="help">help: {d.help}</p>
    </article>
  );
}
