// A logged table, sorted and paged by the server (/runs/{id}/tables/{path}); cells are text,
// except media cells, which the server sends as descriptors and which show as thumbnails.
import { useEffect, useState } from "preact/hooks";
import { api, fileUrl, type Json } from "../lib/api";
import { fmtValue } from "../lib/format";

const PAGE = 50;

const isMedia = (v: Json): v is Record<string, Json> => !!v && typeof v === "object" && !Array.isArray(v) && typeof v._type === "string";

/** A cell: text, or (for the media cells the server merged in) a thumbnail with its caption. */
function Cell({ runId, v }: { runId: string; v: Json }) {
  if (!isMedia(v)) return <>{fmtValue(v)}</>;
  const path = typeof v.path === "string" ? v.path : "";
  const caption = typeof v.caption === "string" ? v.caption : "";
  let media = null;
  if (path && (v._type === "image-file" || (v._type === "video-file" && /\.gif$/i.test(path)))) {
    media = <a href={fileUrl(runId, path)} target="_blank" rel="noopener"><img class="cell-img" src={fileUrl(runId, path)} alt={caption || "table image"} /></a>;
  } else if (path && v._type === "audio-file") {
    media = <audio class="cell-audio" controls preload="none" src={fileUrl(runId, path)} />;
  } else if (path && v._type === "video-file") {
    media = <video class="cell-video" controls preload="metadata" src={fileUrl(runId, path)} />;
  } else {
    media = <span class="muted">{String(v._type).replace(/-file$/, "")}</span>;
  }
  return <figure class="cell-media">{media}{caption && <div class="caption">{caption}</div>}</figure>;
}

/** A table file; another table (another step, another key) starts unsorted on its first page. */
export function TableView({ runId, path }: { runId: string; path: string }) {
  return <TablePages key={`${runId}\n${path}`} runId={runId} path={path} />;
}

function TablePages({ runId, path }: { runId: string; path: string }) {
  const [sort, setSort] = useState<{ col: string; desc: boolean } | null>(null);
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ columns: string[]; rows: Json[][]; total: number } | null>(null);
  const [err, setErr] = useState("");
  useEffect(() => {
    // Quick clicks on headers or pages: only the answer to the latest one is shown.
    let live = true;
    api.table(runId, path, { sort: sort?.col, desc: sort?.desc, offset, limit: PAGE })
      .then((d) => { if (live) { setData(d); setErr(""); } })
      .catch((e) => live && setErr(String(e.message || e)));
    return () => { live = false; };
  }, [runId, path, sort?.col, sort?.desc, offset]);
  if (err) return <div class="error">{err}</div>;
  if (!data) return <div class="loading">loading…</div>;
  const click = (c: string) => { setSort(sort && sort.col === c ? { col: c, desc: !sort.desc } : { col: c, desc: false }); setOffset(0); };
  return (
    <div class="table-view">
      <table class="plain data-table">
        <thead><tr>{data.columns.map((c) => <th class="sortable" onClick={() => click(c)}>{c}{sort?.col === c ? (sort.desc ? " ▼" : " ▲") : ""}</th>)}</tr></thead>
        <tbody>{data.rows.map((r) => <tr>{data.columns.map((_, i) => <td><Cell runId={runId} v={r[i] ?? null} /></td>)}</tr>)}</tbody>
      </table>
      <div class="pager">
        <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>‹ prev</button>
        <span>{data.total ? `${offset + 1}–${Math.min(offset + PAGE, data.total)} of ${data.total}` : "empty"}</span>
        <button disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>next ›</button>
      </div>
    </div>
  );
}
