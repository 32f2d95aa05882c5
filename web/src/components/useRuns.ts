// Paged access to the runs matching the workspace's filter/search/order: the first page is
// fetched eagerly, later pages when the virtualized table scrolls to them.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api, type Run } from "../lib/api";

export const PAGE = 200;

export interface RunsPager {
  total: number;
  rows: Map<number, Run>;
  version: number;
  error: string | null;
  loaded: boolean;
  ensure: (start: number, end: number) => void;
  reload: () => void;
}

export function useRuns(project: string, filters: object | null, search: string, order: string): RunsPager {
  const [state, setState] = useState({ total: 0, version: 0, error: null as string | null, loaded: false });
  const rows = useRef(new Map<number, Run>());
  const pending = useRef(new Set<number>());
  // The newest request of each page: an older answer arriving later is dropped.
  const newest = useRef(new Map<number, number>());
  const requests = useRef(0);
  const gen = useRef(0);
  const key = JSON.stringify([project, filters, search, order]);

  // `force`: ask again even while a request of the page is in flight (a live refresh: the
  // pending answer may predate the change that triggered it).
  const fetchPage = useCallback((page: number, g: number, force: boolean) => {
    if (pending.current.has(page) && !force) return;
    const inflight = pending.current, n = ++requests.current;
    newest.current.set(page, n);
    inflight.add(page);
    api.runs({ project, filters, search, order, limit: PAGE, offset: page * PAGE })
      .then((r) => {
        if (g !== gen.current || newest.current.get(page) !== n) return;
        r.runs.forEach((run, i) => rows.current.set(page * PAGE + i, run));
        setState((s) => ({ total: r.total, version: s.version + 1, error: null, loaded: true }));
      })
      .catch((e) => { if (g === gen.current && newest.current.get(page) === n) setState((s) => ({ ...s, error: String(e.message || e), loaded: true })); })
      .finally(() => { if (newest.current.get(page) === n) inflight.delete(page); });
  }, [key]);

  useEffect(() => {
    gen.current++;
    rows.current = new Map();
    pending.current = new Set();
    setState({ total: 0, version: 0, error: null, loaded: false });
    fetchPage(0, gen.current, true);
  }, [key]);

  const ensure = useCallback((start: number, end: number) => {
    for (let p = Math.floor(start / PAGE); p <= Math.floor(Math.max(start, end - 1) / PAGE); p++) {
      if (!rows.current.has(p * PAGE)) fetchPage(p, gen.current, false);
    }
  }, [fetchPage]);

  // A live refresh re-reads the pages already loaded (state, runtime and summary change).
  const reload = useCallback(() => {
    const pages = new Set<number>([0]);
    for (const i of rows.current.keys()) pages.add(Math.floor(i / PAGE));
    for (const p of pages) fetchPage(p, gen.current, true);
  }, [fetchPage]);

  return { ...state, rows: rows.current, ensure, reload };
}
