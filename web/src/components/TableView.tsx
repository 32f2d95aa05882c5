// A logged table, sorted and paged by the server (/runs/{id}/tables/{path}); cells are text.
import { useEffect, useState } from "preact/hooks";
import { api, fileUrl, type Json } from "../lib/api";
import { fmtValue } from "../lib/format";

const PAGE = 50;

function Cell({ runId, v }: { runId: string; v: Json }) {
  if (v && typeof v === "object" && !Array.isArray(v) && v._type === "image-file" && typeof v.path === "string") {
    return <img class="cell-img" src={fileUrl(runId, v.path)} alt="table image" />;
  }
  return <>{fmtValue(v)}</>;
}

export function TableView({ runId, path }: { runId: string; path: string }) {
  const [sort, setSort] = useState<{ col: string; desc: boolean } | null>(null);
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ columns: string[]; rows: Json[][]; total: number } | null>(null);
  const [err, setErr] = useState("");
  useEffect(() => {
    api.table(runId, path, { sort: sort?.col, desc: sort?.desc, offset, limit: PAGE }).then(setData).catch((e) => setErr(String(e.message || e)));
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
