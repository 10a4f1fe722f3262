import type { Task } from "../protocol/messages.ts";

/** `task.name` of a Task announcement ("" when unnamed). */
export function taskName(task: Task): string {
  const field = task.fields.find((f) => f.strName === "task.name");
  return field?.strVal ?? field?.debugVal ?? "";
}

/**
 * Matches announced tasks against what the user named with `--task`: a task name, or a console (span) id
 * in decimal. Ids belong to one app process, names survive restarts.
 */
export function taskMatcher(wanted: readonly string[]): (task: Task) => boolean {
  const set = new Set(wanted);
  return (task) => task.id !== undefined && (set.has(String(task.id)) || (taskName(task) !== "" && set.has(taskName(task))));
}
