// Turn bucketed history of several runs into the aligned columns uPlot draws.
//
// uPlot wants one shared x array. Runs logged on the same step grid share bucket x's, so the
// union stays small; when it does not (different grids, wall-clock axes) points are snapped to
// a grid of GRID cells, which is what the screen can show anyway (zoom re-fetches finer data).
import type { Buckets } from "../lib/api";
import { smooth, type Smoothing } from "./smoothing";

export const MAX_UNION = 4000;
export const GRID = 1500;
/** Above this many lines per chart, min/max bands are not drawn (nor fetched): they would
 *  only cover each other. */
export const MAX_BANDS = 10;

type Col = (number | null)[];

export interface LineSpec { id: string; label: string; color: string; runIds: string[] }

export interface DrawnLine { spec: LineSpec; y: Col; min: Col; max: Col; band: boolean }

export interface Aligned { x: number[]; lines: DrawnLine[] }

interface RunCols { y: Col; min: Col; max: Col; counts: number }

/** Align every run's buckets on one x array; values missing at an x are null. */
export function alignRuns(data: Record<string, Buckets | undefined>, logY: boolean): { x: number[]; runs: Record<string, RunCols> } {
  const ids = Object.keys(data).filter((id) => data[id] && data[id]!.x.length);
  const all = new Set<number>();
  let lo = Infinity, hi = -Infinity;
  for (const id of ids) for (const v of data[id]!.x) { all.add(v); if (v < lo) lo = v; if (v > hi) hi = v; }
  let x: number[];
  let slot: (v: number) => number;
  if (all.size <= MAX_UNION || hi <= lo) {
    x = [...all].sort((a, b) => a - b);
    const pos = new Map(x.map((v, i) => [v, i] as [number, number]));
    slot = (v) => pos.get(v)!;
  } else {
    const step = (hi - lo) / (GRID - 1);
    x = Array.from({ length: GRID }, (_, i) => lo + i * step);
    slot = (v) => Math.round((v - lo) / step);
  }
  const clean = (v: number | null): number | null => (v === null || !Number.isFinite(v) || (logY && v <= 0) ? null : v);
  const runs: Record<string, RunCols> = {};
  for (const id of ids) {
    const b = data[id]!;
    const y: Col = new Array(x.length).fill(null), mn: Col = new Array(x.length).fill(null), mx: Col = new Array(x.length).fill(null);
    let counts = 0;
    for (let i = 0; i < b.x.length; i++) {
      const j = slot(b.x[i]);
      const l = clean(b.last[i]), a = b.min ? clean(b.min[i]) : null, c = b.max ? clean(b.max[i]) : null;
      if (l !== null) y[j] = l; // buckets arrive in x order: the later one is the last value
      if (a !== null) mn[j] = mn[j] === null ? a : Math.min(mn[j]!, a);
      if (c !== null) mx[j] = mx[j] === null ? c : Math.max(mx[j]!, c);
      if (b.count && b.count[i] > 1) counts++;
    }
    runs[id] = { y, min: mn, max: mx, counts };
  }
  return { x, runs };
}

/**
 * Build the drawn lines. A line of one run: smoothed last values with the bucket min/max band
 * (when buckets hold more than one point). A line of several runs (a group): the mean of the
 * runs' smoothed values with the min-max band across runs.
 */
export function buildLines(specs: LineSpec[], data: Record<string, Buckets | undefined>, s: Smoothing, logY: boolean, bands: boolean): Aligned {
  const { x, runs } = alignRuns(data, logY);
  const lines: DrawnLine[] = [];
  bands = bands && specs.length <= MAX_BANDS;
  for (const spec of specs) {
    const members = spec.runIds.filter((id) => runs[id]);
    if (!members.length) continue;
    if (spec.runIds.length === 1) {
      const r = runs[members[0]];
      lines.push({ spec, y: smooth(r.y, s), min: r.min, max: r.max, band: bands && r.counts > 0 });
      continue;
    }
    const ys = members.map((id) => smooth(runs[id].y, s));
    const y: Col = [], mn: Col = [], mx: Col = [];
    for (let i = 0; i < x.length; i++) {
      let sum = 0, n = 0, a = Infinity, c = -Infinity;
      for (const col of ys) {
        const v = col[i];
        if (v === null) continue;
        sum += v; n++; if (v < a) a = v; if (v > c) c = v;
      }
      y.push(n ? sum / n : null); mn.push(n ? a : null); mx.push(n ? c : null);
    }
    lines.push({ spec, y, min: mn, max: mx, band: bands });
  }
  return { x, lines };
}
