/** Loads one API path for a source and reloads it when the source's version changes (live notices). */
import { useEffect, useRef, useState } from "preact/hooks";
import { useContext } from "preact/hooks";
import { AppContext } from "./context.ts";

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

export function useData<T>(path: string | null, version: number): Loaded<T> {
  const { data: source } = useContext(AppContext);
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined, loading: path !== null });
  const inFlight = useRef(false);
  const again = useRef(false);
  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    const load = async () => {
      if (inFlight.current) {
        again.current = true; // a newer version arrived while loading: load once more afterwards
        return;
      }
      inFlight.current = true;
      try {
        const data = await source.json<T>(path);
        if (!cancelled) setState({ data, error: undefined, loading: false });
      } catch (error) {
        if (!cancelled) setState((s) => ({ data: s.data, error: error instanceof Error ? error.message : String(error), loading: false }));
      } finally {
        inFlight.current = false;
        if (again.current && !cancelled) {
          again.current = false;
          void load();
        }
      }
    };
    void load();
    return () => {
      cancelled = true;
    };
  }, [path, version]);
  return state;
}
