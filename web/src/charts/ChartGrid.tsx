// Chart panels for every numeric metric, grouped into collapsible sections by the text before
// the last "/" of the key (train/loss -> section "train"), as wandb's workspace does.
import { useState } from "preact/hooks";
import { ChartPanel, type ChartSettings } from "./ChartPanel";
import type { LineSpec } from "./series";

export function sectionsOf(keys: string[]): [string, string[]][] {
  const m = new Map<string, string[]>();
  for (const k of [...keys].sort()) {
    const i = k.lastIndexOf("/");
    const s = i > 0 ? k.slice(0, i) : "Charts";
    if (!m.has(s)) m.set(s, []);
    m.get(s)!.push(k);
  }
  return [...m.entries()].sort((a, b) => (a[0] === "Charts" ? -1 : b[0] === "Charts" ? 1 : a[0].localeCompare(b[0])));
}

export interface ChartGridProps {
  metrics: string[];
  lines: LineSpec[];
  settings: ChartSettings;
  tick: number;
  onZoom: (r: [number, number] | null) => void;
}

export function ChartGrid(p: ChartGridProps) {
  const [closed, setClosed] = useState<Set<string>>(new Set());
  if (!p.metrics.length) return <div class="muted pad">No numeric metrics logged yet.</div>;
  const toggle = (s: string) => { const n = new Set(closed); n.has(s) ? n.delete(s) : n.add(s); setClosed(n); };
  return (
    <div class="chart-grid">
      {sectionsOf(p.metrics).map(([section, keys]) => (
        <section class="chart-section" data-section={section}>
          <h3 onClick={() => toggle(section)}>{closed.has(section) ? "▸" : "▾"} {section} <span class="muted">({keys.length})</span></h3>
          {!closed.has(section) && (
            <div class="panels">
              {keys.map((k) => <ChartPanel key={k} metric={k} lines={p.lines} settings={p.settings} tick={p.tick} onZoom={p.onZoom} />)}
            </div>
          )}
        </section>
      ))}
    </div>
  );
}
