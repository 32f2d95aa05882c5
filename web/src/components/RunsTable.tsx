// The virtualized runs table: only the rows in view (plus a margin) are in the DOM, so 10,000
// runs cost the same as 50. Every cell is text; names link to the run page.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Json, Run } from "../lib/api";
import { flatten, fmtDate, fmtDuration, fmtValue } from "../lib/format";
import type { RunsPager } from "./useRuns";

const ROW_H = 28;

export interface Column { id: string; label: string; order?: string; width?: number; removable?: boolean; get: (r: Run) => string }

export const BASE_COLUMNS: Column[] = [
  { id: "state", label: "State", order: "state", width: 76, get: (r) => r.state },
  { id: "name", label: "Name", order: "display_name", width: 200, get: (r) => r.name || r.id },
  { id: "tags", label: "Tags", get: (r) => (r.tags || []).join(", ") },
  { id: "group", label: "Group", get: (r) => r.group || "" },
  { id: "created", label: "Created", order: "created_at", width: 150, get: (r) => fmtDate(r.created_at) },
  { id: "runtime", label: "Runtime", order: "runtime", width: 76, get: (r) => fmtDuration(r.runtime ?? null) },
];

/** A config or summary column (`config.lr`, `summary.loss`). */
export function extraColumn(id: string): Column {
  const [src, ...rest] = id.split(".");
  const key = rest.join(".");
  const pick = (r: Run): Json | undefined => flatten(src === "config" ? r.config : r.summary)[key];
  return { id, label: id, removable: true, order: src === "config" ? `config.${key}` : `summary_metrics.${key}`, get: (r) => fmtValue(pick(r)) };
}

export interface RunsTableProps {
  pager: RunsPager;
  columns: Column[];
  order: string;
  onOrder: (o: string) => void;
  selected: Set<string>;
  onToggleSelect: (id: string) => void;
  hidden: Set<string>;
  onToggleHidden: (id: string) => void;
  colorOf: (id: string) => string;
  onColor: (id: string, c: string) => void;
  onOpen: (id: string) => void;
  onRemoveColumn: (id: string) => void;
}

export function RunsTable(p: RunsTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });
  const { total, rows } = p.pager;

  useEffect(() => {
    const el = scroller.current!;
    const on = () => setScroll({ top: el.scrollTop, height: el.clientHeight });
    on();
    el.addEventListener("scroll", on, { passive: true });
    const ro = new ResizeObserver(on);
    ro.observe(el);
    return () => { el.removeEventListener("scroll", on); ro.disconnect(); };
  }, []);

  const first = Math.max(0, Math.floor(scroll.top / ROW_H) - 10);
  const last = Math.min(total, Math.ceil((scroll.top + scroll.height) / ROW_H) + 10);
  useEffect(() => { if (total) p.pager.ensure(first, last); }, [first, last, total, p.pager.version]);

  const sortMark = (c: Column) => (c.order && p.order.slice(1) === c.order ? (p.order[0] === "-" ? " ▼" : " ▲") : "");
  const clickHeader = (c: Column) => {
    if (!c.order) return;
    p.onOrder(p.order.slice(1) === c.order && p.order[0] === "+" ? `-${c.order}` : `+${c.order}`);
  };
  // Fixed widths: header and absolutely positioned rows must line up at any table width.
  const widths = p.columns.map((c) => c.width || 100);
  const grid = `24px 24px 20px ${widths.map((w) => `${w}px`).join(" ")}`;
  const tableWidth = 68 + 12 + widths.reduce((a, b) => a + b + 4, 0);

  const body = [];
  for (let i = first; i < last; i++) {
    const r = rows.get(i);
    if (!r) { body.push(<div key={`p${i}`} class="tr placeholder" style={{ top: i * ROW_H, gridTemplateColumns: grid }}><span /></div>); continue; }
    const hidden = p.hidden.has(r.id);
    body.push(
      <div key={r.id} class={`tr${p.selected.has(r.id) ? " selected" : ""}${hidden ? " hidden-run" : ""}`} data-run-id={r.id} style={{ top: i * ROW_H, gridTemplateColumns: grid }}>
        <span><input type="checkbox" aria-label="select run" checked={p.selected.has(r.id)} onChange={() => p.onToggleSelect(r.id)} /></span>
        <span><input type="color" class="color" aria-label="run colour" value={p.colorOf(r.id)} onInput={(e) => p.onColor(r.id, (e.target as HTMLInputElement).value)} /></span>
        <span><button class="eye" title={hidden ? "show in charts" : "hide from charts"} onClick={() => p.onToggleHidden(r.id)}>{hidden ? "○" : "●"}</button></span>
        {p.columns.map((c) => c.id === "name"
          ? <span class="td name"><a href="#" onClick={(e) => { e.preventDefault(); p.onOpen(r.id); }}>{c.get(r)}</a></span>
          : <span class={`td col-${c.id}${c.id === "state" ? " state-" + r.state : ""}`} title={c.get(r)}>{c.get(r)}</span>)}
      </div>,
    );
  }

  return (
    <div class="runs-table" data-total={total}>
      <div class="thead" style={{ gridTemplateColumns: grid, width: tableWidth }}>
        <span /><span /><span />
        {p.columns.map((c) => (
          <span class={`th${c.order ? " sortable" : ""}`} title={c.label} onClick={() => clickHeader(c)}>
            <span class="th-label">{c.label}{sortMark(c)}</span>
            {c.removable && <button class="remove-col" title="remove column" onClick={(e) => { e.stopPropagation(); p.onRemoveColumn(c.id); }}>×</button>}
          </span>
        ))}
      </div>
      <div class="tbody" ref={scroller}>
        <div style={{ height: total * ROW_H, position: "relative", width: tableWidth }}>{body}</div>
      </div>
    </div>
  );
}
