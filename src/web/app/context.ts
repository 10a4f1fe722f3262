/** What every view can reach: the data source, the sources' versions, and the task selection. */
import { createContext } from "preact";
import type { SourceInfo } from "../shared/api-types.ts";
import type { DataSource } from "./data-source.ts";

export interface Selection {
  source: number;
  key: string;
}

export interface AppState {
  data: DataSource;
  sources: SourceInfo[];
  versions: Record<number, number>;
  selected: Selection | null;
  select(selection: Selection | null): void;
  /** Scrubber position per source (ns on its clock), null = latest. */
  timeAt: Record<number, number | null>;
  setTimeAt(source: number, at: number | null): void;
  /** A time window chosen in the Diagnoses view or by brushing the Timeline. */
  window: Record<number, [number, number] | null>;
  setWindow(source: number, window: [number, number] | null): void;
  showView(view: ViewName): void;
}

export type ViewName = "tasks" | "timeline" | "resources" | "diagnoses";

export const AppContext = createContext<AppState>(undefined as unknown as AppState);
