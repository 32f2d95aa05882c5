// The chart toolbar: x-axis, smoothing, log scale, and zoom reset. Values live in the URL.
import { formatSmoothing, parseSmoothing, type Smoothing } from "./smoothing";

export interface ControlsProps {
  xAxis: string;
  xChoices: string[];
  smoothing: Smoothing;
  logY: boolean;
  zoomed: boolean;
  onChange: (u: Record<string, string | null>) => void;
}

const DEFAULTS: Record<string, string> = { ema: "ema:0.6", avg: "avg:10", gauss: "gauss:2" };

export function Controls(p: ControlsProps) {
  const kind = p.smoothing.kind;
  const amount = kind === "ema" ? p.smoothing.weight : kind === "avg" ? p.smoothing.window : kind === "gauss" ? p.smoothing.sigma : 0;
  const setAmount = (v: string) => p.onChange({ smooth: formatSmoothing(parseSmoothing(`${kind}:${v}`)) || DEFAULTS[kind] });
  return (
    <div class="controls">
      <label>x-axis <select name="x-axis" value={p.xAxis} onChange={(e) => p.onChange({ x: (e.target as HTMLSelectElement).value, zoom: null })}>
        <option value="_step">Step</option>
        <option value="_runtime">Relative time</option>
        <option value="_timestamp">Wall time</option>
        {p.xChoices.map((k) => <option value={k}>{k}</option>)}
      </select></label>
      <label>smoothing <select name="smoothing" value={kind} onChange={(e) => { const k = (e.target as HTMLSelectElement).value; p.onChange({ smooth: k === "none" ? null : DEFAULTS[k] }); }}>
        <option value="none">none</option>
        <option value="ema">EMA</option>
        <option value="avg">running average</option>
        <option value="gauss">Gaussian</option>
      </select></label>
      {kind !== "none" && (
        <input name="smoothing-amount" class="amount" type="number" step={kind === "ema" ? 0.05 : 1} min={kind === "ema" ? 0.01 : 1} max={kind === "ema" ? 0.99 : 500}
          value={amount} onChange={(e) => setAmount((e.target as HTMLInputElement).value)} />
      )}
      <label><input type="checkbox" name="log-y" checked={p.logY} onChange={(e) => p.onChange({ log: (e.target as HTMLInputElement).checked ? "1" : null })} /> log y</label>
      {p.zoomed && <button onClick={() => p.onChange({ zoom: null })}>reset zoom</button>}
    </div>
  );
}
