// Histograms over steps: the selected step's bars, and below a heat map of every logged step
// (x = step, y = bin, darker = more counts). Drawn on canvas.
import { useEffect, useRef } from "preact/hooks";
import type { Json } from "../lib/api";
import { fmtNum } from "../lib/format";

type Entry = [number, Record<string, Json>];

const nums = (v: Json | undefined): number[] => (Array.isArray(v) ? v.map((x) => (typeof x === "number" ? x : 0)) : []);

export function HistogramView({ rows, index }: { rows: Entry[]; index: number }) {
  const bars = useRef<HTMLCanvasElement>(null);
  const heat = useRef<HTMLCanvasElement>(null);
  const [step, d] = rows[index];
  const values = nums(d.values), bins = nums(d.bins);

  useEffect(() => {
    const c = bars.current!, g = c.getContext("2d")!;
    g.clearRect(0, 0, c.width, c.height);
    const max = Math.max(1, ...values);
    const w = c.width / Math.max(1, values.length);
    g.fillStyle = "#1f77b4";
    values.forEach((v, i) => { const h = (v / max) * (c.height - 4); g.fillRect(i * w + 0.5, c.height - h, Math.max(1, w - 1), h); });
  }, [index, rows]);

  useEffect(() => {
    const c = heat.current!, g = c.getContext("2d")!;
    g.clearRect(0, 0, c.width, c.height);
    const cw = c.width / rows.length;
    rows.forEach(([, r], i) => {
      const vs = nums(r.values);
      const max = Math.max(1, ...vs);
      const ch = c.height / Math.max(1, vs.length);
      vs.forEach((v, j) => { g.fillStyle = `rgba(31,119,180,${v / max})`; g.fillRect(i * cw, c.height - (j + 1) * ch, Math.ceil(cw), Math.ceil(ch)); });
    });
    g.strokeStyle = "#d62728";
    g.strokeRect(index * cw, 0, Math.max(1, cw), c.height);
  }, [index, rows]);

  return (
    <div class="histogram" data-step={step} data-bins={values.length}>
      <canvas ref={bars} width={400} height={120} />
      <div class="muted small">{bins.length ? `${fmtNum(bins[0])} … ${fmtNum(bins[bins.length - 1])}` : ""}</div>
      {/* Over a single step there is nothing to map, and a lone outlined strip looks like an error. */}
      <canvas ref={heat} width={400} height={80} title="all steps" style={rows.length > 1 ? undefined : { display: "none" }} />
    </div>
  );
}
