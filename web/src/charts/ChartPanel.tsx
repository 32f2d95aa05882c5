// One metric's chart: fetches bucketed history for the chart's runs (only once scrolled into
// view), re-fetches when the x-axis, zoom range or live tick changes, and draws a LineChart.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { bucketsBatched, type BucketResult } from "../lib/api";
import { LineChart } from "./LineChart";
import { buildLines, MAX_BANDS, type LineSpec } from "./series";
import type { Smoothing } from "./smoothing";

export interface ChartSettings { xAxis: string; smoothing: Smoothing; logY: boolean; zoom: [number, number] | null }

export interface ChartPanelProps {
  metric: string;
  lines: LineSpec[];
  settings: ChartSettings;
  tick: number;
  onZoom: (r: [number, number] | null) => void;
}

function useVisible(ref: { current: HTMLElement | null }): boolean {
  const [vis, setVis] = useState(false);
  useEffect(() => {
    if (vis || !ref.current) return;
    const io = new IntersectionObserver((es) => { if (es.some((e) => e.isIntersecting)) setVis(true); }, { rootMargin: "300px" });
    io.observe(ref.current);
    return () => io.disconnect();
  }, [vis]);
  return vis;
}

export function ChartPanel(p: ChartPanelProps) {
  const box = useRef<HTMLDivElement>(null);
  const visible = useVisible(box);
  // The x-axis travels with the data it was fetched for, so a chart never labels old x values
  // with a newly chosen axis while the new request is in flight.
  const [data, setData] = useState<{ runs: BucketResult; xAxis: string } | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const runIds = useMemo(() => [...new Set(p.lines.flatMap((l) => l.runIds))], [p.lines]);
  const { xAxis, zoom } = p.settings;

  useEffect(() => {
    if (!visible || !runIds.length) return;
    let live = true;
    const width = box.current?.clientWidth || 600;
    // Bucket count follows the panel width (rounded so that panels of one grid share a batch).
    bucketsBatched({ run_ids: runIds, keys: [p.metric], buckets: Math.min(1000, Math.max(100, Math.round(width / 100) * 100)), x_axis: xAxis,
      x_min: zoom ? zoom[0] : null, x_max: zoom ? zoom[1] : null,
      fields: p.lines.length > MAX_BANDS ? ["x", "last", "count"] : undefined })
      .then((r) => { if (live) { setData({ runs: r, xAxis }); setErr(null); } })
      .catch((e) => { if (live) setErr(String(e.message || e)); });
    return () => { live = false; };
  }, [visible, runIds.join(","), p.metric, xAxis, zoom ? zoom.join(",") : "", p.tick]);

  const aligned = useMemo(() => {
    if (!data) return null;
    const per: Record<string, any> = {};
    for (const id of runIds) per[id] = data.runs[id]?.[p.metric];
    return buildLines(p.lines, per, p.settings.smoothing, p.settings.logY, true);
  }, [data, p.lines, p.settings.smoothing, p.settings.logY]);

  const empty = aligned && !aligned.lines.length;
  return (
    <div class="panel chart-panel" ref={box} data-metric={p.metric}>
      <div class="panel-title" title={p.metric}>{p.metric}</div>
      {err && <div class="error">{err}</div>}
      {!aligned && !err && <div class="loading" style="height:220px">loading…</div>}
      {empty && <div class="muted" style="height:220px">no data for this x-axis</div>}
      {aligned && !empty && <LineChart data={aligned} xAxis={data!.xAxis} logY={p.settings.logY} testId={p.metric} onZoom={p.onZoom} />}
    </div>
  );
}
