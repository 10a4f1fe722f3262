/** The Resources view: locks, semaphores, timers, channels with the tasks waiting on them and getting through. */
import type { ConsoleState } from "../../../console/model/console-state.ts";
import type { ResourceView, ResourcesView } from "../../shared/api-types.ts";

const n = (x: number): number | null => (Number.isNaN(x) ? null : x);

export function resourcesView(state: ConsoleState, meta: { source: number; version: number; kind: string }): ResourcesView {
  const asyncOpsPerResource = new Map<string, number>();
  for (const op of state.asyncOps.values()) {
    if (op.resourceId === undefined) continue;
    const k = String(op.resourceId);
    asyncOpsPerResource.set(k, (asyncOpsPerResource.get(k) ?? 0) + 1);
  }
  const taskName = (id: bigint | undefined) => (id === undefined ? "" : (state.tasks.get(id)?.name ?? ""));
  const resources: ResourceView[] = [];
  for (const r of state.resources.values()) {
    // The latest poll op of each task on this resource says whether it is waiting (not ready) or got through.
    const latest = new Map<string, { id: bigint | undefined; op: string; ready: boolean }>();
    for (const op of r.pollOps) if (op.taskId !== undefined) latest.set(String(op.taskId), { id: op.taskId, op: op.name, ready: op.isReady });
    const waiters: ResourceView["waiters"] = [];
    const holders: ResourceView["holders"] = [];
    for (const [id, v] of latest) {
      const task = state.tasks.get(v.id!);
      const entry = { key: task ? id : null, id, name: taskName(v.id), op: v.op };
      (v.ready ? holders : waiters).push(entry);
    }
    resources.push({
      id: String(r.id),
      parentId: r.parentId === undefined ? null : String(r.parentId),
      concreteType: r.concreteType,
      kind: r.kind,
      location: r.location,
      isInternal: r.isInternal,
      createdAt: n(r.createdAt),
      droppedAt: n(r.droppedAt),
      attributes: Object.fromEntries([...r.attributes].map(([k, v]) => [k, `${String(v.value)}${v.unit ? ` ${v.unit}` : ""}`])),
      waiters,
      holders,
      pollOps: Object.fromEntries(r.pollOpCounts),
      asyncOps: asyncOpsPerResource.get(String(r.id)) ?? 0,
    });
  }
  const note =
    meta.kind === "recording" ? "recordings carry no resources: open the app live or its .grpc/capture to see locks, semaphores and timers" : resources.length === 0 ? "no resources reported yet" : null;
  return { source: meta.source, version: meta.version, resources, note };
}
