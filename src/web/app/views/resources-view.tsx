/** Resources: locks, semaphores, timers and channels with their attributes, waiters and the tasks that got through. */
import { useContext, useState } from "preact/hooks";
import type { ResourcesView as ResourcesData, SourceInfo } from "../../shared/api-types.ts";
import { AppContext } from "../context.ts";
import { useData } from "../use-data.ts";

export function ResourcesView({ source }: { source: SourceInfo }) {
  const app = useContext(AppContext);
  const data = useData<ResourcesData>(`/api/s/${source.index}/resources`, app.versions[source.index] ?? 0);
  const [internal, setInternal] = useState(false);
  const list = (data.data?.resources ?? []).filter((r) => internal || !r.isInternal);
  const link = (t: { key: string | null; id: string; name: string; op: string }) =>
    t.key ? (
      <a href="#" onClick={(e) => (e.preventDefault(), app.select({ source: source.index, key: t.key! }))}>
        {t.name || `task ${t.id}`}
      </a>
    ) : (
      <span>{t.name || `task ${t.id}`}</span>
    );
  return (
    <div class="resources-view" data-testid="resources-view">
      {data.data?.note ? <p class="note">{data.data.note}</p> : null}
      <label>
        <input type="checkbox" checked={internal} onChange={() => setInternal(!internal)} /> show internal resources
      </label>
      <table class="resources">
        <thead>
          <tr>
            <th>id</th>
            <th>type</th>
            <th>kind</th>
            <th>location</th>
            <th>attributes</th>
            <th>waiting</th>
            <th>got through</th>
            <th>poll ops (ready/total)</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr key={r.id} data-testid="resource-row" class={r.droppedAt !== null ? "dropped" : ""}>
              <td>{r.id}</td>
              <td>{r.concreteType}</td>
              <td>{r.kind}</td>
              <td>{r.location}</td>
              <td>
                {Object.entries(r.attributes)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(" ")}
              </td>
              <td>{r.waiters.map((w, i) => <span key={i}>{link(w)} </span>)}</td>
              <td>{r.holders.map((w, i) => <span key={i}>{link(w)} </span>)}</td>
              <td>
                {Object.entries(r.pollOps)
                  .map(([k, v]) => `${k} ${v.ready}/${v.total}`)
                  .join(", ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
