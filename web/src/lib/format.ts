// Display formatting of numbers, durations and dates (output is always plain text).
import type { Json } from "./api";

export function fmtNum(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return Number.isInteger(v) ? String(v) : v.toPrecision(5).replace(/\.?0+$/, "");
}

export function fmtDuration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return "–";
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function toDate(v: number | string | null | undefined): Date | null {
  if (v === null || v === undefined || v === "") return null;
  const d = typeof v === "number" ? new Date(v < 1e12 ? v * 1000 : v) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function fmtDate(v: number | string | null | undefined): string {
  const d = toDate(v);
  return d ? d.toLocaleString() : "–";
}

export function fmtValue(v: Json | undefined): string {
  if (v === undefined || v === null) return "–";
  if (typeof v === "number") return fmtNum(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  if (!Array.isArray(v) && typeof v === "object" && typeof v._type === "string") return `<${v._type}>`;
  return JSON.stringify(v);
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const u = ["KB", "MB", "GB", "TB"];
  let i = -1;
  do { n /= 1024; i++; } while (n >= 1024 && i < u.length - 1);
  return `${n.toFixed(1)} ${u[i]}`;
}

/** Flatten nested config/summary dicts to dotted keys (wandb shows them that way). */
export function flatten(obj: Record<string, Json> | null | undefined, prefix = "", out: Record<string, Json> = {}): Record<string, Json> {
  if (!obj) return out;
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === "object" && !Array.isArray(v) && !("_type" in v)) {
      const inner = v as Record<string, Json>;
      if ("value" in inner && Object.keys(inner).length <= 2 && "desc" in inner) out[prefix + k] = inner.value;
      else flatten(inner, `${prefix}${k}.`, out);
    } else out[prefix + k] = v;
  }
  return out;
}
