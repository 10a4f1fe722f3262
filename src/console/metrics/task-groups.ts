/**
 * Label cardinality control: tasks are aggregated per (task name, spawn location, kind), never per task
 * id. A target gets at most `maxGroups` distinct groups, assigned first come, first served and kept for
 * the life of the exporter (so a group's counters never jump between series); tasks of any later group
 * are counted in one `other` group (task_name="other", spawn_location="other", kind="other"), so totals
 * stay right when an app spawns tasks with unbounded names or locations.
 */

export interface GroupLabels {
  task_name: string;
  spawn_location: string;
  kind: string;
}

export const OTHER_GROUP: GroupLabels = { task_name: "other", spawn_location: "other", kind: "other" };

export const DEFAULT_MAX_GROUPS = 200;

export class TaskGroups<G> {
  private readonly byKey = new Map<string, G>();
  private other: G | undefined;
  /** Groups refused because the cap was reached (distinct keys). */
  overflowKeys = 0;
  private readonly refused = new Set<string>();

  constructor(
    private readonly maxGroups: number,
    private readonly create: (labels: GroupLabels) => G,
  ) {}

  get(labels: GroupLabels): G {
    const key = `${labels.task_name}\u0000${labels.spawn_location}\u0000${labels.kind}`;
    const found = this.byKey.get(key);
    if (found !== undefined) return found;
    if (this.byKey.size < this.maxGroups) {
      const group = this.create(labels);
      this.byKey.set(key, group);
      return group;
    }
    if (!this.refused.has(key) && this.refused.size < 100_000) {
      this.refused.add(key);
      this.overflowKeys++;
    }
    return (this.other ??= this.create(OTHER_GROUP));
  }

  all(): G[] {
    return this.other === undefined ? [...this.byKey.values()] : [...this.byKey.values(), this.other];
  }
}
