// Run colours: assigned by position (table order), so the runs on screen never share one;
// overridable per run (kept in localStorage).
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
  "#3366cc", "#dc3912", "#ff9900", "#109618", "#990099", "#0099c6", "#dd4477", "#66aa00", "#b82e2e", "#316395"];

function hslHex(h: number, s: number, l: number): string {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** The colour of position `i`: the palette first, then golden-angle hues (never a repeat). */
export function paletteColor(i: number): string {
  const n = Math.max(0, Math.floor(i));
  if (n < PALETTE.length) return PALETTE[n];
  // Past the palette, hues step by the golden angle and lightness cycles, so positions
  // keep getting new colours instead of wrapping around to ones already on screen.
  const k = n - PALETTE.length;
  return hslHex((k * 137.508 + 15) % 360, 0.65, [0.45, 0.33, 0.58][k % 3]);
}

/** Colours for `ids` in their order: an explicit choice wins, the rest take the next palette
 *  slot whose colour no run here already has (so a hand-picked colour is not handed out twice). */
export function assignColors(ids: string[], chosen: Record<string, string> = {}): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const id of ids) if (chosen[id]) { out.set(id, chosen[id]); used.add(chosen[id].toLowerCase()); }
  let slot = 0;
  for (const id of ids) {
    if (out.has(id)) continue;
    while (used.has(paletteColor(slot))) slot++;
    out.set(id, paletteColor(slot++));
  }
  return out;
}

export function withAlpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}
