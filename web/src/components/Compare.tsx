// Compare selected runs: parallel coordinates over numeric config keys ending in one summary
// metric, and a scatter of one config key against one summary metric. Plain SVG; labels are
// text nodes.
import { useEffect, useMemo, useState } from "preact/hooks";
import { api, type Run } from "../lib/api";
import { flatten } from "../lib/format";
import { setParams, type Route } from "../lib/route";
import { assignColors } from "../charts/colors";
import { loadJSON } from "../lib/store";
import { fmtNum } from "../lib/format";

const W = 760, H = 340, PAD = 44;

function numericKeys(runs: Run[], pick: (r: Run) => Record<string, unknown>): string[] {
  const s = new Set<string>();
  for (const r of runs) for (const [k, v] of Object.entries(pick(r))) if (typeof v === "number" && !k.startsWith("_")) s.add(k);
  return [...s].sort();
}

const scale = (vals: number[]) => {
  const lo = Math.min(...vals), hi = Math.max(...vals);
  return (v: number) => (hi === lo ? 0.5 : (v - lo) / (hi - lo));
};

export function Compare({ route }: { route: Route }) {
  const ids = (route.params.sel || "").split(",").filter(Boolean);
  const [runs, setRuns] = useState<Run[] | null>(null);
  useEffect(() => { Promise.all(ids.map((id) => api.run(id).catch(() => null))).then((rs) => setRuns(rs.filter(Boolean) as Run[])); }, [route.params.sel]);
  const cfg = useMemo(() => (runs ? numericKeys(runs, (r) => flatten(r.config)) : []), [runs]);
  const sum = useMemo(() => (runs ? numericKeys(runs, (r) => flatten(r.summary)) : []), [runs]);
  if (!runs) return <div class="loading pad">loading…</div>;
  if (runs.length < 2) return <div class="pad muted">Select at least two runs in the workspace to compare.</div>;
  // Same rule as the workspace: slots in selection order, hand-picked colours kept.
  const colorMap = assignColors(runs.map((r) => r.id), loadJSON<Record<string, string>>(`cairn.colors.${route.project}`, {}));
  const colorOf = (id: string) => colorMap.get(id)!;
  const cx = cfg.includes(route.params.cx) ? route.params.cx : cfg[0];
  const cy = sum.includes(route.params.cy) ? route.params.cy : sum[0];
  const axes = [...cfg.map((k) => ["config", k]), ...(cy ? [["summary", cy]] : [])] as [string, string][];
  const val = (r: Run, [src, k]: [string, string]) => flatten(src === "config" ? r.config : r.summary)[k] as number | undefined;
  const axisVals = axes.map((a) => runs.map((r) => val(r, a)).filter((v): v is number => typeof v === "number"));
  const axisScales = axisVals.map(scale);
  const ax = (i: number) => PAD + (i * (W - 2 * PAD)) / Math.max(1, axes.length - 1);

  return (
    <div class="compare pad">
      <h2>Compare {runs.length} runs</h2>
      <div class="controls">
        <label>config <select name="cx" value={cx} onChange={(e) => setParams({ cx: (e.target as HTMLSelectElement).value })}>{cfg.map((k) => <option value={k}>{k}</option>)}</select></label>
        <label>summary <select name="cy" value={cy} onChange={(e) => setParams({ cy: (e.target as HTMLSelectElement).value })}>{sum.map((k) => <option value={k}>{k}</option>)}</select></label>
      </div>
      <div class="legend" data-testid="compare-legend">
        {runs.map((r) => <span class="legend-item"><span class="swatch" style={{ background: colorOf(r.id) }} />{r.name || r.id}</span>)}
      </div>
      <h3>Parallel coordinates</h3>
      <svg class="parcoords" width={W} height={H} data-axes={axes.length}>
        {axes.map((a, i) => (
          <g>
            <line x1={ax(i)} x2={ax(i)} y1={PAD} y2={H - PAD} stroke="#999" />
            <text x={ax(i)} y={PAD - 22} text-anchor="middle">{a[1]}</text>
            <text x={ax(i)} y={PAD - 8} text-anchor="middle" class="muted">{axisVals[i].length ? fmtNum(Math.max(...axisVals[i])) : ""}</text>
            <text x={ax(i)} y={H - PAD + 14} text-anchor="middle" class="muted">{axisVals[i].length ? fmtNum(Math.min(...axisVals[i])) : ""}</text>
          </g>
        ))}
        {runs.map((r) => {
          const pts = axes.map((a, i) => { const v = val(r, a); return typeof v === "number" ? `${ax(i)},${H - PAD - axisScales[i](v) * (H - 2 * PAD)}` : null; }).filter(Boolean);
          return <polyline class="run-line" points={pts.join(" ")} fill="none" stroke={colorOf(r.id)} stroke-width={2}><title>{r.name || r.id}</title></polyline>;
        })}
      </svg>
      {cx && cy && <>
        <h3>{cy} vs {cx}</h3>
        <Scatter runs={runs} colorOf={colorOf} x={(r) => flatten(r.config)[cx] as number} y={(r) => flatten(r.summary)[cy] as number} />
      </>}
    </div>
  );
}

function Scatter({ runs, colorOf, x, y }: { runs: Run[]; colorOf: (id: string) => string; x: (r: Run) => number; y: (r: Run) => number }) {
  const pts = runs.filter((r) => typeof x(r) === "number" && typeof y(r) === "number");
  if (!pts.length) return <div class="muted">no runs have both values</div>;
  const sx = scale(pts.map(x)), sy = scale(pts.map(y));
  const xs = pts.map(x), ys = pts.map(y);
  return (
    <svg class="scatter" width={W} height={H}>
      <line x1={PAD} x2={W - PAD} y1={H - PAD} y2={H - PAD} stroke="#999" /><line x1={PAD} x2={PAD} y1={PAD} y2={H - PAD} stroke="#999" />
      <text x={PAD} y={H - 10}>{fmtNum(Math.min(...xs))}</text><text x={W - PAD} y={H - 10} text-anchor="end">{fmtNum(Math.max(...xs))}</text>
      <text x={4} y={H - PAD}>{fmtNum(Math.min(...ys))}</text><text x={4} y={PAD}>{fmtNum(Math.max(...ys))}</text>
      {pts.map((r) => <circle class="point" cx={PAD + sx(x(r)) * (W - 2 * PAD)} cy={H - PAD - sy(y(r)) * (H - 2 * PAD)} r={5} fill={colorOf(r.id)}><title>{r.name || r.id}</title></circle>)}
    </svg>
  );
}
