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

const W = 600, H = 320, PAD = 44;

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
  useEffect(() => {
    let live = true;  // another selection may be asked for before this one's runs arrive
    Promise.all(ids.map((id) => api.run(id).catch(() => null))).then((rs) => live && setRuns(rs.filter(Boolean) as Run[]));
    return () => { live = false; };
  }, [route.params.sel]);
  const cfg = useMemo(() => (runs ? numericKeys(runs, (r) => flatten(r.config)) : []), [runs]);
  const sum = useMemo(() => (runs ? numericKeys(runs, (r) => flatten(r.summary)) : []), [runs]);
  if (!runs) return <div class="loading pad">loading…</div>;
  if (runs.length < 2) return <div class="pad muted">Select at least two runs in the workspace to compare.</div>;
  // The colours the workspace last gave these runs (hand-picked ones win); runs it did not
  // show take free palette slots.
  const colorMap = assignColors(runs.map((r) => r.id), { ...loadJSON<Record<string, string>>(`cairn.shown-colors.${route.project}`, {}),
    ...loadJSON<Record<string, string>>(`cairn.colors.${route.project}`, {}) });
  const colorOf = (id: string) => colorMap.get(id)!;
  const cx = cfg.includes(route.params.cx) ? route.params.cx : cfg[0];
  const cy = sum.includes(route.params.cy) ? route.params.cy : sum[0];
  // Config keys every run shares tell nothing apart, and only squeeze the other axes.
  const varying = cfg.filter((k) => new Set(runs.map((r) => JSON.stringify(flatten(r.config)[k]))).size > 1);
  const axes = [...(varying.length ? varying : cfg).map((k) => ["config", k]), ...(cy ? [["summary", cy]] : [])] as [string, string][];
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
      <div class="compare-plots">
      <div>
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
      </div>
      {cx && cy && <div>
        <h3>{cy} vs {cx}</h3>
        <Scatter runs={runs} colorOf={colorOf} xName={cx} yName={cy} x={(r) => flatten(r.config)[cx] as number} y={(r) => flatten(r.summary)[cy] as number} />
      </div>}
      </div>
    </div>
  );
}

function Scatter({ runs, colorOf, xName, yName, x, y }: { runs: Run[]; colorOf: (id: string) => string; xName: string; yName: string; x: (r: Run) => number; y: (r: Run) => number }) {
  const pts = runs.filter((r) => typeof x(r) === "number" && typeof y(r) === "number");
  if (!pts.length) return <div class="muted">no runs have both values</div>;
  const sx = scale(pts.map(x)), sy = scale(pts.map(y));
  const xs = pts.map(x), ys = pts.map(y);
  // Points keep 5% off the axes, so extreme runs are not drawn over the axis lines and labels.
  const L = 72, R = W - 16, T = 16, B = H - 40;
  const px = (r: Run) => L + (0.05 + 0.9 * sx(x(r))) * (R - L);
  const py = (r: Run) => B - (0.05 + 0.9 * sy(y(r))) * (B - T);
  return (
    <svg class="scatter" width={W} height={H}>
      <line x1={L} x2={R} y1={B} y2={B} stroke="#999" /><line x1={L} x2={L} y1={T} y2={B} stroke="#999" />
      <text x={L + 0.05 * (R - L)} y={B + 16} text-anchor="middle">{fmtNum(Math.min(...xs))}</text>
      <text x={R - 0.05 * (R - L)} y={B + 16} text-anchor="middle">{fmtNum(Math.max(...xs))}</text>
      <text x={L - 6} y={B - 0.05 * (B - T) + 4} text-anchor="end">{fmtNum(Math.min(...ys))}</text>
      <text x={L - 6} y={T + 0.05 * (B - T) + 4} text-anchor="end">{fmtNum(Math.max(...ys))}</text>
      <text class="axis-name" x={(L + R) / 2} y={H - 6} text-anchor="middle">{xName}</text>
      <text class="axis-name" x={14} y={(T + B) / 2} text-anchor="middle" transform={`rotate(-90 14 ${(T + B) / 2})`}>{yName}</text>
      {pts.map((r) => <circle class="point" cx={px(r)} cy={py(r)} r={5} fill={colorOf(r.id)}><title>{r.name || r.id}</title></circle>)}
    </svg>
  );
}
