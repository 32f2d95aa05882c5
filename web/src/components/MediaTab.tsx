// Media logged over steps (images, video, audio, HTML, histograms, custom charts) with a step
// slider per key, and the tables tab. Media bytes come from /runs/{id}/files/{path}; HTML and
// custom charts only ever render inside sandboxed iframes.
import { useEffect, useState } from "preact/hooks";
import { api, fileUrl, type Json, type MetricKey } from "../lib/api";
import { HistogramView } from "./HistogramView";
import { TableView } from "./TableView";
import { tableValues, VegaFrame } from "./VegaFrame";

type Desc = Record<string, Json>;
type Entry = [number, Desc];

const isDesc = (v: Json | undefined): v is Desc => !!v && typeof v === "object" && !Array.isArray(v) && typeof (v as Desc)._type === "string";

/** Every (step, descriptor) of `key` in the run's history. */
function useMediaRows(runId: string, key: string, tick: number): Entry[] | null {
  const [rows, setRows] = useState<Entry[] | null>(null);
  useEffect(() => {
    let live = true;
    api.history(runId, ["_step", key], 10000).then((r) => {
      if (!live) return;
      const out: Entry[] = [];
      for (const row of r.rows) { const v = row[key]; if (isDesc(v)) out.push([Number(row._step), v]); }
      setRows(out);
    }).catch(() => live && setRows([]));
    return () => { live = false; };
  }, [runId, key, tick]);
  return rows;
}

function Caption({ d }: { d: Desc }) {
  return typeof d.caption === "string" ? <div class="caption">{d.caption}</div> : null;
}

export function MediaView({ runId, d }: { runId: string; d: Desc }) {
  const t = String(d._type);
  const path = typeof d.path === "string" ? d.path : "";
  if (t === "image-file" && path) return <figure><img class="media-img" src={fileUrl(runId, path)} alt={typeof d.caption === "string" ? d.caption : "logged image"} /><Caption d={d} /></figure>;
  if (t === "images/separated" && Array.isArray(d.filenames)) {
    const caps = Array.isArray(d.captions) ? d.captions : [];
    return <div class="media-row">{d.filenames.map((f, i) => <figure><img class="media-img" src={fileUrl(runId, String(f))} alt="logged image" />{caps[i] !== undefined && <div class="caption">{String(caps[i])}</div>}</figure>)}</div>;
  }
  // The SDK writes video as GIF (Pillow only); a GIF is an image to the browser, not a <video>.
  if (t === "video-file" && /\.gif$/i.test(path)) return <figure><img class="media-img media-video" src={fileUrl(runId, path)} alt={typeof d.caption === "string" ? d.caption : "logged video"} /><Caption d={d} /></figure>;
  if (t === "video-file" && path) return <figure><video controls src={fileUrl(runId, path)} /><Caption d={d} /></figure>;
  if (t === "audio-file" && path) return <figure><audio controls src={fileUrl(runId, path)} /><Caption d={d} /></figure>;
  if (t === "html-file" && path) return <iframe class="html-media" sandbox="allow-scripts" src={fileUrl(runId, path)} title="logged html" />;
  if (t === "table-file" && path) return <TableView runId={runId} path={path} />;
  if ("vega_spec" in d) return <VegaFrame spec={d.vega_spec} values={tableValues(d.table ?? d.data)} />;
  if (path && /chart|vega|plotly/.test(t)) return <ChartFile runId={runId} path={path} />;
  return <div class="muted">{t}{path ? <> · <a href={fileUrl(runId, path)} target="_blank" rel="noopener">{path}</a></> : null}</div>;
}

/** A chart stored as a JSON file holding "vega_spec" (and its table). */
function ChartFile({ runId, path }: { runId: string; path: string }) {
  const [obj, setObj] = useState<Desc | null>(null);
  const [err, setErr] = useState("");
  useEffect(() => {
    // Another step's file may be asked for before this one arrives: only the latest is shown.
    let live = true;
    setErr("");
    api.fileText(runId, path).then((t) => live && setObj(JSON.parse(t))).catch((e) => live && setErr(String(e.message || e)));
    return () => { live = false; };
  }, [runId, path]);
  if (err) return <div class="error">{err}</div>;
  if (!obj) return <div class="loading">loading…</div>;
  if (!("vega_spec" in obj)) return <a href={fileUrl(runId, path)} target="_blank" rel="noopener">{path}</a>;
  return <VegaFrame spec={obj.vega_spec} values={tableValues(obj.table ?? obj.data)} />;
}

function MediaKey({ runId, mkey, tick }: { runId: string; mkey: MetricKey; tick: number }) {
  const rows = useMediaRows(runId, mkey.key, tick);
  const [idx, setIdx] = useState<number | null>(null);
  if (!rows) return <div class="panel"><div class="panel-title">{mkey.key}</div><div class="loading">loading…</div></div>;
  if (!rows.length) return null;
  const i = idx === null ? rows.length - 1 : Math.min(idx, rows.length - 1);
  const [step, d] = rows[i];
  const hist = d._type === "histogram";
  return (
    <div class="panel media-panel" data-key={mkey.key}>
      <div class="panel-title">{mkey.key}</div>
      {rows.length > 1 && (
        <label class="slider">step <input type="range" name="step" min={0} max={rows.length - 1} value={i} onInput={(e) => setIdx(Number((e.target as HTMLInputElement).value))} /> <span data-testid="media-step">{step}</span></label>
      )}
      {rows.length === 1 && <div class="muted">step <span data-testid="media-step">{step}</span></div>}
      {hist ? <HistogramView rows={rows} index={i} /> : <MediaView runId={runId} d={d} />}
    </div>
  );
}

export function MediaTab({ runId, keys, tick }: { runId: string; keys: MetricKey[]; tick: number }) {
  const media = keys.filter((k) => k.kind === "media" || k.kind === "histogram" || k.kind === "other");
  if (!media.length) return <div class="muted">No media logged.</div>;
  return <div class="panels media">{media.map((k) => <MediaKey key={k.key} runId={runId} mkey={k} tick={tick} />)}</div>;
}

/** Tables: every history key whose values are table files, latest version first. */
export function TablesTab({ runId, keys }: { runId: string; keys: MetricKey[] }) {
  const [tables, setTables] = useState<[string, number, string][] | null>(null);
  useEffect(() => {
    const media = keys.filter((k) => k.kind === "media" || k.kind === "other").map((k) => k.key);
    if (!media.length) { setTables([]); return; }
    // Rows are projected to the keys asked for, and only rows holding all of them come back,
    // so each key is read on its own (with _step).
    Promise.all(media.map((k) => api.history(runId, ["_step", k], 10000).then((r) => r.rows.map((row) => [k, row] as const)).catch(() => [])))
      .then((per) => {
        const out: [string, number, string][] = [];
        for (const [k, row] of per.flat()) {
          const v = row[k];
          if (isDesc(v) && v._type === "table-file" && typeof v.path === "string") out.push([k, Number(row._step), v.path]);
        }
        setTables(out.sort((a, b) => b[1] - a[1]));
      });
  }, [runId, keys]);
  const [pick, setPick] = useState(0);
  if (!tables) return <div class="loading">loading…</div>;
  if (!tables.length) return <div class="muted">No tables logged.</div>;
  const [k, step, path] = tables[Math.min(pick, tables.length - 1)];
  return (
    <div>
      <select name="table" value={String(pick)} onChange={(e) => setPick(Number((e.target as HTMLSelectElement).value))}>
        {tables.map(([key, s], i) => <option value={String(i)}>{key} @ step {s}</option>)}
      </select>
      <div class="panel"><div class="panel-title">{k} @ step {step}</div><TableView runId={runId} path={path} /></div>
    </div>
  );
}
