// The simpler run tabs: files (browse + download), console output, system metrics.
import { useEffect, useMemo, useState } from "preact/hooks";
import { api, fileUrl, type Json } from "../lib/api";

/** Re-read `load()` whenever `deps` change; an answer overtaken by a newer request is dropped. */
function useLatest<T>(load: () => Promise<T>, fallback: T, deps: unknown[]): T | null {
  const [v, setV] = useState<T | null>(null);
  useEffect(() => {
    let live = true;
    load().then((x) => live && setV(x)).catch(() => live && setV(fallback));
    return () => { live = false; };
  }, deps);
  return v;
}
import { fmtBytes, fmtDate } from "../lib/format";
import { LineChart } from "../charts/LineChart";
import type { Aligned } from "../charts/series";

export function FilesTab({ runId }: { runId: string }) {
  const [files, setFiles] = useState<{ name: string; size: number; updated_at?: number }[] | null>(null);
  const [err, setErr] = useState("");
  const [prefix, setPrefix] = useState("");
  useEffect(() => { api.files(runId).then(setFiles).catch((e) => setErr(String(e.message || e))); }, [runId]);
  if (err) return <div class="error">{err}</div>;
  if (!files) return <div class="loading">loading…</div>;
  // Browse one folder level at a time.
  const dirs = new Set<string>();
  const here = files.filter((f) => f.name.startsWith(prefix)).filter((f) => {
    const rest = f.name.slice(prefix.length);
    const i = rest.indexOf("/");
    if (i >= 0) { dirs.add(rest.slice(0, i + 1)); return false; }
    return true;
  });
  return (
    <div class="files">
      <div class="crumbs">
        <a href="#" onClick={(e) => { e.preventDefault(); setPrefix(""); }}>files</a>
        {prefix.split("/").filter(Boolean).map((p, i, a) => <> / <a href="#" onClick={(e) => { e.preventDefault(); setPrefix(a.slice(0, i + 1).join("/") + "/"); }}>{p}</a></>)}
      </div>
      <table class="plain">
        <thead><tr><th>Name</th><th>Size</th><th>Updated</th><th /></tr></thead>
        <tbody>
          {[...dirs].sort().map((d) => <tr><td><a href="#" onClick={(e) => { e.preventDefault(); setPrefix(prefix + d); }}>{d}</a></td><td /><td /><td /></tr>)}
          {here.map((f) => (
            <tr data-file={f.name}>
              <td><a href={fileUrl(runId, f.name)} target="_blank" rel="noopener">{f.name.slice(prefix.length)}</a></td>
              <td>{fmtBytes(f.size || 0)}</td><td>{fmtDate(f.updated_at ?? null)}</td>
              <td><a href={fileUrl(runId, f.name, true)} download>download</a></td>
            </tr>
          ))}
        </tbody>
      </table>
      {!files.length && <div class="muted">No files.</div>}
    </div>
  );
}

function lineText(l: Record<string, Json>): string {
  const v = l.text ?? l.line ?? l.lines ?? l.content ?? "";
  return Array.isArray(v) ? v.join("\n") : String(v);
}

export function ConsoleTab({ runId, tick }: { runId: string; tick: number }) {
  const lines = useLatest(() => api.console(runId), [], [runId, tick]);
  if (!lines) return <div class="loading">loading…</div>;
  if (!lines.length) return <div class="muted">No console output captured.</div>;
  return <pre class="console">{lines.map((l) => <span class={l.stream === "stderr" ? "stderr" : ""}>{lineText(l)}{"\n"}</span>)}</pre>;
}

/** Samples look like {time, values: {...}} or {_timestamp|time, key: value, ...}. */
function systemSeries(samples: Record<string, Json>[]): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const s of samples) {
    const t = Number(s.time ?? s._timestamp ?? s.timestamp);
    const vals = (s.values && typeof s.values === "object" && !Array.isArray(s.values) ? s.values : s) as Record<string, Json>;
    for (const [k, v] of Object.entries(vals)) {
      if (typeof v !== "number" || ["time", "_timestamp", "timestamp", "_runtime"].includes(k)) continue;
      if (!out.has(k)) out.set(k, []);
      out.get(k)!.push([t, v]);
    }
  }
  return out;
}

export function SystemTab({ runId, tick }: { runId: string; tick: number }) {
  const samples = useLatest(() => api.system(runId), [], [runId, tick]);
  const series = useMemo(() => (samples ? systemSeries(samples) : new Map()), [samples]);
  if (!samples) return <div class="loading">loading…</div>;
  if (!series.size) return <div class="muted">No system metrics recorded.</div>;
  return (
    <div class="panels">
      {[...series.entries()].sort().map(([k, pts]) => {
        const data: Aligned = { x: pts.map((p: [number, number]) => p[0]), lines: [{ spec: { id: k, label: k, color: "#2ca02c", runIds: [runId] }, y: pts.map((p: [number, number]) => p[1]), min: [], max: [], band: false }] };
        return <div class="panel"><div class="panel-title">{k}</div><LineChart data={data} xAxis="_timestamp" logY={false} testId={`system/${k}`} /></div>;
      })}
    </div>
  );
}
