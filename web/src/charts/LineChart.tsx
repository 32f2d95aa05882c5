// A uPlot line chart of aligned lines, with min/max bands, drag-to-zoom, double-click reset,
// and a hover box listing every line's value at the cursor (built with textContent only).
// After each draw it publishes what uPlot actually holds to window.__cairn.charts[testId],
// so browser tests read the drawn series, not a parallel computation.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Aligned } from "./series";
import { withAlpha } from "./colors";
import { fmtDuration, fmtNum } from "../lib/format";

export interface LineChartProps {
  data: Aligned;
  xAxis: string;
  logY: boolean;
  testId: string;
  height?: number;
  onZoom?: (range: [number, number] | null) => void;
}

declare global {
  interface Window { __cairn?: { charts: Record<string, ChartProbe>; [k: string]: unknown } }
}

export interface ChartProbe {
  xAxis: string; logY: boolean; points: number;
  series: { label: string; color: string; n: number; lastX: number | null; lastY: number | null; ys: (number | null)[] }[];
  drawn: number;
}

function probe(u: uPlot, colors: string[], xAxis: string, logY: boolean, testId: string): void {
  const x = u.data[0] as number[];
  const series: ChartProbe["series"] = [];
  for (let i = 1; i <= colors.length; i++) {
    const ys = u.data[i] as (number | null)[];
    let lastI = -1, n = 0;
    for (let j = 0; j < ys.length; j++) if (ys[j] !== null && ys[j] !== undefined) { lastI = j; n++; }
    series.push({ label: String(u.series[i].label), color: colors[i - 1], n,
      lastX: lastI >= 0 ? x[lastI] : null, lastY: lastI >= 0 ? ys[lastI] : null, ys });
  }
  const w = (window.__cairn ||= { charts: {} });
  const prev = w.charts[testId];
  w.charts[testId] = { xAxis, logY, points: x.length, series, drawn: (prev?.drawn || 0) + 1 };
}

const AXIS_NAMES: Record<string, string> = { _step: "step", _runtime: "time", _timestamp: "wall time" };

function xFormatter(xAxis: string): (v: number) => string {
  if (xAxis === "_runtime") return (v) => fmtDuration(v);
  if (xAxis === "_timestamp") return (v) => new Date(v * 1000).toLocaleTimeString();
  return (v) => fmtNum(v);
}

export function LineChart(p: LineChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const hover = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = host.current!;
    const { x, lines } = p.data;
    const fmtX = xFormatter(p.xAxis);
    const series: uPlot.Series[] = [{ label: p.xAxis }];
    const cols: (number | null)[][] = [];
    for (const l of lines) {
      series.push({ label: l.spec.label, stroke: l.spec.color, width: 1.5, spanGaps: true, points: { show: x.length < 60 } });
      cols.push(l.y);
    }
    const bands: uPlot.Band[] = [];
    for (const l of lines) {
      if (!l.band) continue;
      const hi = series.length;
      series.push({ label: "max", stroke: "transparent", width: 0, spanGaps: true, points: { show: false } }, { label: "min", stroke: "transparent", width: 0, spanGaps: true, points: { show: false } });
      cols.push(l.max, l.min);
      bands.push({ series: [hi, hi + 1], fill: withAlpha(l.spec.color, 0.15) });
    }
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: p.height || 220,
      series,
      bands,
      legend: { show: false },
      scales: { x: { time: p.xAxis === "_timestamp" }, y: { distr: p.logY ? 3 : 1 } },
      axes: [
        { values: p.xAxis === "_timestamp" ? undefined : (_u, vals) => vals.map((v) => fmtX(v)), size: 30,
          label: AXIS_NAMES[p.xAxis] || p.xAxis, labelSize: 16, labelFont: "11px system-ui, sans-serif", font: "11px system-ui, sans-serif" },
        { values: (_u, vals) => vals.map((v) => fmtNum(v)), size: 52, font: "11px system-ui, sans-serif" },
      ],
      cursor: { drag: { x: true, y: false, setScale: false }, points: { size: 5 } },
      hooks: {
        setSelect: [(u) => {
          if (u.select.width > 4 && p.onZoom) {
            const a = u.posToVal(u.select.left, "x"), b = u.posToVal(u.select.left + u.select.width, "x");
            p.onZoom([a, b]);
          }
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        }],
        setCursor: [(u) => {
          const box = hover.current;
          if (!box) return;
          const i = u.cursor.idx;
          if (i === null || i === undefined || u.cursor.left === undefined || u.cursor.left < 0) { box.style.display = "none"; return; }
          const rows: [string, string, number][] = [];
          for (let s = 1; s <= lines.length; s++) {
            const v = (u.data[s] as (number | null)[])[i];
            // uPlot keeps strokes as functions, so the colour comes from the line itself.
            if (v !== null && v !== undefined) rows.push([String(u.series[s].label), lines[s - 1].spec.color, v]);
          }
          rows.sort((a, b) => b[2] - a[2]);
          box.replaceChildren();
          const head = document.createElement("div");
          head.className = "hover-x";
          head.textContent = `${AXIS_NAMES[p.xAxis] || p.xAxis} ${fmtX((u.data[0] as number[])[i])}`;
          box.append(head);
          for (const [label, color, v] of rows.slice(0, 30)) {
            const row = document.createElement("div");
            const sw = document.createElement("span");
            sw.className = "swatch"; sw.style.background = color;
            const t = document.createElement("span");
            t.textContent = `${label}: ${fmtNum(v)}`;
            row.append(sw, t);
            box.append(row);
          }
          if (rows.length > 30) { const more = document.createElement("div"); more.textContent = `+${rows.length - 30} more`; box.append(more); }
          box.style.display = rows.length ? "block" : "none";
          const left = u.cursor.left + 70;
          box.style.left = `${left > el.clientWidth - 200 ? left - 230 : left}px`;
        }],
      },
    };
    const u = new uPlot(opts, [x, ...cols] as uPlot.AlignedData, el);
    plot.current = u;
    probe(u, lines.map((l) => l.spec.color), p.xAxis, p.logY, p.testId);
    const onDbl = () => p.onZoom && p.onZoom(null);
    u.over.addEventListener("dblclick", onDbl);
    const ro = new ResizeObserver(() => { if (el.clientWidth > 0) u.setSize({ width: el.clientWidth, height: p.height || 220 }); });
    ro.observe(el);
    return () => { ro.disconnect(); u.over.removeEventListener("dblclick", onDbl); u.destroy(); plot.current = null; };
  }, [p.data, p.xAxis, p.logY, p.testId]);

  // A legend of the drawn lines (text nodes), as wandb shows above each chart; past a dozen
  // lines it only counts them, and the hover box names the values.
  const shown = p.data.lines;
  return (
    <div class="linechart" data-testid={p.testId}>
      <div class="legend chart-legend">
        {shown.length <= 12
          ? shown.map((l) => <span class="legend-item" title={l.spec.label}><span class="swatch" style={{ background: l.spec.color }} />{l.spec.label}</span>)
          : <span class="muted">{shown.length} lines · hover for values</span>}
      </div>
      <div ref={host} class="plot" />
      <div ref={hover} class="hover" style="display:none" />
    </div>
  );
}
