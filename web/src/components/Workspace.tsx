// The project workspace: the runs table beside chart panels for every numeric metric of the
// runs shown in charts (the selected runs, else the first N visible rows). All view state is
// in the URL; colours and hidden runs are per-project preferences in localStorage.
import { useEffect, useMemo, useState } from "preact/hooks";
import { api, type MetricKey, type Run } from "../lib/api";
import { parseFilter } from "../lib/filters";
import { flatten, fmtValue } from "../lib/format";
import { useLiveTick } from "../lib/live";
import { navigate, setParams, type Route } from "../lib/route";
import { loadJSON, saveJSON } from "../lib/store";
import { ChartGrid } from "../charts/ChartGrid";
import { Controls } from "../charts/Controls";
import { assignColors, paletteColor } from "../charts/colors";
import type { LineSpec } from "../charts/series";
import { parseSmoothing } from "../charts/smoothing";
import { BASE_COLUMNS, extraColumn, RunsTable } from "./RunsTable";
import { useRuns } from "./useRuns";

const csv = (s: string | undefined): string[] => (s ? s.split(",").filter(Boolean) : []);

export function chartKeys(keys: MetricKey[]): string[] {
  return keys.filter((k) => k.kind === "number" && !k.key.startsWith("_")).map((k) => k.key);
}

/** The runs query of a workspace URL (also used to prefetch it before the first render). */
export function workspaceQuery(route: Route): { project: string; filters: object | null; search: string; order: string; filterError: string } {
  let filters: object | null = null, filterError = "";
  try { filters = parseFilter(route.params.filter || ""); } catch (e) { filterError = String((e as Error).message); }
  return { project: route.project, filters, search: route.params.search || "", order: route.params.order || "-created_at", filterError };
}

export function Workspace({ route }: { route: Route }) {
  const { project, params } = route;
  const { order, search, filters, filterError } = workspaceQuery(route);
  const filterText = params.filter || "";
  const nCharts = Number(params.n || 10);
  const selected = useMemo(() => new Set(csv(params.sel)), [params.sel]);
  const extraCols = csv(params.cols);
  const group = params.group || "";
  const zoom = params.zoom ? (params.zoom.split(",").map(Number) as [number, number]) : null;
  const settings = useMemo(() => ({ xAxis: params.x || "_step", smoothing: parseSmoothing(params.smooth), logY: params.log === "1", zoom }),
    [params.x, params.smooth, params.log, params.zoom]);

  const pager = useRuns(project, filters, search, order);

  const [hidden, setHidden] = useState<Set<string>>(() => new Set(loadJSON<string[]>(`cairn.hidden.${project}`, [])));
  const [colors, setColors] = useState<Record<string, string>>(() => loadJSON(`cairn.colors.${project}`, {}));
  const tick = useLiveTick();
  const [keys, setKeys] = useState<MetricKey[]>([]);
  const [filterDraft, setFilterDraft] = useState(filterText);
  useEffect(() => setFilterDraft(filterText), [filterText]);

  const loadedRuns = useMemo(() => {
    const out: Run[] = [];
    for (let i = 0; i < Math.min(pager.total, 1000); i++) { const r = pager.rows.get(i); if (r) out.push(r); }
    return out;
  }, [pager.version]);
  const byId = useMemo(() => new Map(loadedRuns.map((r) => [r.id, r])), [loadedRuns]);
  // Palette slots follow table order, so no two loaded runs (and so no two drawn runs) share a
  // colour; a colour picked by hand wins.
  const tableColors = useMemo(() => assignColors(loadedRuns.map((r) => r.id), colors), [loadedRuns, colors]);
  const colorOf = (id: string) => tableColors.get(id) || colors[id] || paletteColor(loadedRuns.length);
  // The compare view draws the same runs; it reads these so a run keeps its colour there.
  useEffect(() => { if (loadedRuns.length) saveJSON(`cairn.shown-colors.${project}`, Object.fromEntries(tableColors)); }, [tableColors]);

  // Runs drawn in charts: the selection, else the first N visible rows.
  const chartRuns = useMemo(() => {
    const pool = selected.size ? [...selected] : loadedRuns.filter((r) => !hidden.has(r.id)).slice(0, group ? 1000 : nCharts).map((r) => r.id);
    return pool.filter((id) => !hidden.has(id));
  }, [loadedRuns, selected, hidden, nCharts, group]);

  const lines: LineSpec[] = useMemo(() => {
    if (!group) return chartRuns.map((id) => ({ id, label: byId.get(id)?.name || id, color: colorOf(id), runIds: [id] }));
    const groups = new Map<string, string[]>();
    for (const id of chartRuns) {
      const r = byId.get(id);
      const v = group === "group" ? (r?.group ?? "–") : fmtValue(flatten(r?.config)[group.replace(/^config\./, "")]);
      const k = String(v);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(id);
    }
    return [...groups.entries()].sort().map(([k, ids], i) => ({ id: `group:${k}`, label: `${group.replace(/^config\./, "")}=${k} (${ids.length})`, color: paletteColor(i), runIds: ids }));
  }, [chartRuns.join(","), group, tableColors, byId]);

  useEffect(() => {
    if (!chartRuns.length) { setKeys([]); return; }
    let live = true;
    api.keys(chartRuns).then((k) => { if (live) setKeys(k); }).catch(() => { /* keys stay as they were */ });
    return () => { live = false; };
  }, [chartRuns.join(","), tick]);

  // Live updates: the table re-reads its loaded pages; keys and charts follow `tick` too.
  useEffect(() => { if (tick) pager.reload(); }, [tick]);

  const metrics = chartKeys(keys);
  const configKeys = useMemo(() => {
    const s = new Set<string>();
    for (const r of loadedRuns.slice(0, 200)) for (const k of Object.keys(flatten(r.config))) s.add(k);
    return [...s].sort();
  }, [loadedRuns]);
  const summaryKeys = useMemo(() => {
    const s = new Set<string>();
    for (const r of loadedRuns.slice(0, 200)) for (const [k, v] of Object.entries(flatten(r.summary))) if (!k.startsWith("_") && typeof v !== "object") s.add(k);
    return [...s].sort();
  }, [loadedRuns]);

  const toggleSel = (id: string) => { const n = new Set(selected); n.has(id) ? n.delete(id) : n.add(id); setParams({ sel: [...n].join(",") }); };
  const toggleHidden = (id: string) => { const n = new Set(hidden); n.has(id) ? n.delete(id) : n.add(id); setHidden(n); saveJSON(`cairn.hidden.${project}`, [...n]); };
  const setColor = (id: string, c: string) => { const n = { ...colors, [id]: c }; setColors(n); saveJSON(`cairn.colors.${project}`, n); };
  const addColumn = (c: string) => { if (c && !extraCols.includes(c)) setParams({ cols: [...extraCols, c].join(",") }); };

  return (
    <div class="workspace">
      <aside class="runs-pane">
        <div class="runs-tools">
          <input name="search" type="search" placeholder="Search runs" value={search} onChange={(e) => setParams({ search: (e.target as HTMLInputElement).value })} />
          <input name="filter" class={filterError ? "bad" : ""} placeholder="Filter, e.g. config.lr > 0.01 and state = finished" value={filterDraft}
            onInput={(e) => setFilterDraft((e.target as HTMLInputElement).value)} onKeyDown={(e) => { if (e.key === "Enter") setParams({ filter: filterDraft }); }} title={filterError} />
          {filterError && <div class="error">{filterError}</div>}
          <div class="row">
            <span class="count" data-testid="run-count">{pager.total} runs</span>
            <select name="add-column" value="" onChange={(e) => addColumn((e.target as HTMLSelectElement).value)}>
              <option value="">+ column</option>
              {configKeys.map((k) => <option value={`config.${k}`}>config.{k}</option>)}
              {summaryKeys.map((k) => <option value={`summary.${k}`}>summary.{k}</option>)}
            </select>
            <select name="group-by" value={group} onChange={(e) => setParams({ group: (e.target as HTMLSelectElement).value })}>
              <option value="">no grouping</option>
              <option value="group">group by: run group</option>
              {configKeys.map((k) => <option value={`config.${k}`}>group by: {k}</option>)}
            </select>
            <select name="chart-runs" value={String(nCharts)} onChange={(e) => setParams({ n: (e.target as HTMLSelectElement).value })} title="runs shown in charts when none is selected">
              {[5, 10, 20, 50, 100].map((n) => <option value={String(n)}>show {n}</option>)}
            </select>
            {selected.size > 0 && <button onClick={() => setParams({ sel: null })}>clear selection</button>}
            {selected.size > 1 && <button onClick={() => navigate({ page: "compare", project, params: { sel: [...selected].join(",") } })}>compare</button>}
          </div>
        </div>
        {pager.error && <div class="error">{pager.error}</div>}
        <RunsTable pager={pager} columns={[...BASE_COLUMNS, ...extraCols.map(extraColumn)]} order={order} onOrder={(o) => setParams({ order: o })}
          selected={selected} onToggleSelect={toggleSel} hidden={hidden} onToggleHidden={toggleHidden} colorOf={colorOf} onColor={setColor}
          onOpen={(id) => navigate({ page: "run", project, runId: id, params: {} })}
          onRemoveColumn={(c) => setParams({ cols: extraCols.filter((x) => x !== c).join(",") })} />
      </aside>
      <main class="charts-pane">
        <Controls xAxis={settings.xAxis} xChoices={metrics} smoothing={settings.smoothing} logY={settings.logY} zoomed={!!zoom} onChange={setParams} />
        {/* One empty state, saying which kind of empty this is (not also "no metrics"). */}
        {pager.loaded && !pager.total && (filters || search
          ? <div class="muted pad" data-testid="empty">No runs match the search or filter.</div>
          : <div class="muted pad" data-testid="empty">No runs in this project yet: log one with <code>cairn.init(project="{project}")</code>.</div>)}
        {(!pager.loaded || pager.total > 0) && <ChartGrid metrics={metrics.filter((m) => m !== settings.xAxis)} lines={lines} settings={settings} tick={tick}
          onZoom={(r) => setParams({ zoom: r ? r.map((v) => +v.toPrecision(8)).join(",") : null })} />}
      </main>
    </div>
  );
}
