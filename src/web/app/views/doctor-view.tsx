/** The report's first section (doctor only): lint findings, panics, and how they meet the runtime diagnoses. */
import { useContext } from "preact/hooks";
import { AppContext } from "../context.ts";

export function DoctorView() {
  const app = useContext(AppContext);
  const doctor = app.data.report?.doctor;
  if (!doctor) return null;
  return (
    <section class="doctor column" data-testid="doctor-view">
      <h2>Summary</h2>
      <ul class="doctor-summary" data-testid="doctor-summary">
        <li>crate: {doctor.crate ?? "not linted"}</li>
        <li>
          lint: {doctor.lint ? (doctor.lint.error ? `error: ${doctor.lint.error}` : `${doctor.lint.findings.length} finding(s) in ${doctor.lint.filesChecked} file(s)`) : "not run"}
        </li>
        <li>
          runtime:{" "}
          {app.sources.length > 0
            ? app.data.report!.sources.map((s) => `${s.info.kind} ${s.info.label}: ${s.diagnoses.diagnoses.length} diagnosis(es)`).join("; ")
            : "no target or recording"}
        </li>
        <li>panics: {doctor.panics ? `${doctor.panics.length} in ${doctor.logFile}` : "no log"}</li>
      </ul>
      <h2>Correlations</h2>
      <div data-testid="correlations">
        {doctor.correlations.length === 0 ? <p class="note">no runtime diagnosis or panic frame points at code with lint findings</p> : null}
        {doctor.correlations.map((c, i) => (
          <article key={i} class="correlation" data-testid="correlation">
            <header>
              <b>{c.kind === "diagnosis" ? "diagnosis" : "panic"}</b> {c.title} at <code>{c.where}</code>
            </header>
            <p>
              lint <b>{c.finding.rule}</b> {c.finding.file}:{c.finding.line}: {c.finding.message}
            </p>
            <p class="help">{c.finding.help}</p>
            {c.source !== null && c.taskKey ? (
              <a href="#" onClick={(e) => (e.preventDefault(), app.select({ source: c.source!, key: c.taskKey! }))}>
                open the task
              </a>
            ) : null}
          </article>
        ))}
      </div>
      <h2>Lint findings</h2>
      <div data-testid="lint-findings">
        {doctor.lint && doctor.lint.findings.length > 0 ? (
          <table class="findings-table">
            <tbody>
              {doctor.lint.findings.map((f, i) => (
                <tr key={i} class={`sev-${f.severity}`}>
                  <td>{f.severity}</td>
                  <td>{f.rule}</td>
                  <td>
                    {f.file}:{f.line}:{f.column}
                  </td>
                  <td>{f.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="note">{doctor.lint ? "no findings" : "no crate given"}</p>
        )}
      </div>
      <h2>Panics</h2>
      <div data-testid="panics">
        {doctor.panics && doctor.panics.length > 0 ? (
          doctor.panics.map((p, i) => (
            <article key={i} class="panic">
              <header>
                <b>{p.message}</b> {p.location ? <code>{p.location}</code> : null} {p.thread ? `(thread ${p.thread})` : null}
              </header>
              <ol>
                {p.frames.map((f, j) => (
                  <li key={j}>
                    <code>{f.name}</code> {f.file ? `${f.file}:${f.line ?? "?"}` : ""}
                    {f.findings.map((x, k) => (
                      <div key={k} class="finding">
                        ↳ lint {x.rule} line {x.line}: {x.message}
                      </div>
                    ))}
                  </li>
                ))}
              </ol>
            </article>
          ))
        ) : (
          <p class="note">{doctor.panics ? "no panic in the log" : "no log given (--log FILE)"}</p>
        )}
      </div>
      <h2>Runtime</h2>
      <p class="note">The Tasks, Timeline, Resources and Diagnoses tabs hold the runtime data of each source.</p>
    </section>
  );
}
