// Smoothing of a y series (nulls are gaps and stay gaps). Parameters follow wandb's UI:
//   ema:w       debiased exponential moving average, weight w in [0, 1)
//   avg:n       running (trailing) average over the last n points
//   gauss:s     Gaussian kernel with standard deviation s points (±3s window)
export type Smoothing = { kind: "none" } | { kind: "ema"; weight: number } | { kind: "avg"; window: number } | { kind: "gauss"; sigma: number };

export function parseSmoothing(s: string | undefined): Smoothing {
  const [kind, raw] = (s || "").split(":");
  const v = Number(raw);
  if (kind === "ema" && v > 0 && v < 1) return { kind, weight: v };
  if (kind === "avg" && v >= 1) return { kind, window: Math.round(v) };
  if (kind === "gauss" && v > 0) return { kind, sigma: v };
  return { kind: "none" };
}

export function formatSmoothing(s: Smoothing): string {
  switch (s.kind) {
    case "ema": return `ema:${s.weight}`;
    case "avg": return `avg:${s.window}`;
    case "gauss": return `gauss:${s.sigma}`;
    default: return "";
  }
}

type Ys = (number | null)[];

function ema(y: Ys, w: number): Ys {
  // Debiasing (divide by 1 - w^n) keeps the first points from being pulled toward zero.
  let acc = 0, n = 0;
  return y.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    acc = acc * w + (1 - w) * v;
    n++;
    return acc / (1 - Math.pow(w, n));
  });
}

function runningAverage(y: Ys, window: number): Ys {
  const buf: number[] = [];
  let sum = 0;
  return y.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    buf.push(v); sum += v;
    if (buf.length > window) sum -= buf.shift()!;
    return sum / buf.length;
  });
}

function gaussian(y: Ys, sigma: number): Ys {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k: number[] = [];
  for (let i = -r; i <= r; i++) k.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
  return y.map((v, i) => {
    if (v === null || !Number.isFinite(v)) return null;
    let s = 0, ws = 0;
    for (let j = -r; j <= r; j++) {
      const u = y[i + j];
      if (u === null || u === undefined || !Number.isFinite(u)) continue;
      s += u * k[j + r]; ws += k[j + r];
    }
    return s / ws;
  });
}

export function smooth(y: Ys, s: Smoothing): Ys {
  switch (s.kind) {
    case "ema": return ema(y, s.weight);
    case "avg": return runningAverage(y, s.window);
    case "gauss": return gaussian(y, s.sigma);
    default: return y;
  }
}
