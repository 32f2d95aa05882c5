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
  const gen = useRef(0);
  const key = JSON.stringify([project, filters, search, order]);

  const fetchPage = useCallback((page: number, g: number, replace: boolean) => {
    if (pending.current.has(page) && !replace) return;
    pending.current.add(page);
    api.runs({ project, filters, search, order, limit: PAGE, offset: page * PAGE })
      .then((r) => {
        if (g !== gen.current) return;
        if (replace && page === 0) rows.current = new Map();
        r.runs.forEach((run, i) => rows.current.set(page * PAGE + i, run));
        setState((s) => ({ total: r.total, version: s.version + 1, error: null, loaded: true }));
      })
      .catch((e) => { if (g === gen.current) setState((s) => ({ ...s, error: String(e.message || e), loaded: true })); })
      .finally(() => pending.current.delete(page));
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
    for (const p of pages) fetchPage(p, gen.current, false);
  }, [fetchPage]);

  return { ...state, rows: rows.current, ensure, reload };
}
