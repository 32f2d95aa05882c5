// Run overview: state, timings, host, command, editable name/tags/notes, config and summary.
import { useEffect, useState } from "preact/hooks";
import { api, type Json, type Run } from "../lib/api";
import { flatten, fmtDate, fmtDuration, fmtValue } from "../lib/format";

/** "image", "table", "histogram"… for a media summary value (shown in the Media tab), else "". */
function mediaKind(v: Json | undefined): string {
  if (!v || typeof v !== "object" || Array.isArray(v) || typeof v._type !== "string") return "";
  const t = v._type.replace(/-file$/, "").replace(/^images\/separated$/, "images");
  return typeof v.nrows === "number" && typeof v.ncols === "number" ? `${t} (${v.nrows} × ${v.ncols})` : t;
}

function KV({ title, data, hideInternal = false }: { title: string; data: Record<string, Json> | null | undefined; hideInternal?: boolean }) {
  // The summary's _step/_runtime/_timestamp repeat the facts above; wandb hides them too.
  const flat = Object.entries(flatten(data)).filter(([k]) => !k.startsWith("_wandb") && !(hideInternal && k.startsWith("_")))
    .sort(([a], [b]) => a.localeCompare(b));
  return (
    <div class="kv">
      <h3>{title}</h3>
      {flat.length ? (
        <table class="plain" data-testid={`${title.toLowerCase()}-table`}>
          <tbody>{flat.map(([k, v]) => <tr><td class="k">{k}</td><td>{mediaKind(v) ? <span class="muted">{mediaKind(v)}</span> : fmtValue(v)}</td></tr>)}</tbody>
        </table>
      ) : <div class="muted">none</div>}
    </div>
  );
}

function Alerts({ runId }: { runId: string }) {
  const [alerts, setAlerts] = useState<Record<string, Json>[]>([]);
  useEffect(() => { api.alerts(runId).then(setAlerts).catch(() => setAlerts([])); }, [runId]);
  if (!alerts.length) return null;
  return (
    <div class="alerts">
      <h3>Alerts</h3>
      <table class="plain" data-testid="alerts-table">
        <tbody>{alerts.map((a) => <tr><td class={`level-${String(a.level).toLowerCase()}`}>{String(a.level ?? "")}</td><td>{fmtDate((a.time as number) ?? null)}</td><td><b>{String(a.title ?? "")}</b> {String(a.text ?? "")}</td></tr>)}</tbody>
      </table>
    </div>
  );
}

export function Overview({ run, onSaved }: { run: Run; onSaved: (r: Run) => void }) {
  const [name, setName] = useState(run.name || "");
  const [tags, setTags] = useState((run.tags || []).join(", "));
  const [notes, setNotes] = useState(run.notes || "");
  const [status, setStatus] = useState("");
  useEffect(() => { setName(run.name || ""); setTags((run.tags || []).join(", ")); setNotes(run.notes || ""); }, [run.id]);
  const md = (run.metadata || {}) as Record<string, Json>;
  const command = [md.program, ...(Array.isArray(md.args) ? md.args : [])].filter((x) => x !== undefined && x !== null).map(String).join(" ");
  const save = () => {
    setStatus("saving…");
    api.patchRun(run.id, { name, notes, tags: tags.split(",").map((t) => t.trim()).filter(Boolean) })
      .then((r) => { onSaved(r); setStatus("saved"); })
      .catch((e) => setStatus(`error: ${e.message || e}`));
  };
  const facts: [string, string][] = [
    ["id", run.id], ["project", run.project], ["state", run.state], ["created", fmtDate(run.created_at)],
    ["last heartbeat", fmtDate(run.heartbeat_at ?? null)], ["runtime", fmtDuration(run.runtime ?? null)],
    ["last step", run.last_step === null || run.last_step === undefined ? "–" : String(run.last_step)],
    ["exit code", run.exit_code === null || run.exit_code === undefined ? "–" : String(run.exit_code)],
    ["host", run.host || String(md.host ?? "–")], ["command", command || "–"], ["group", run.group || "–"], ["job type", run.job_type || "–"],
  ];
  return (
    <div class="overview">
      <div class="overview-top">
      <table class="plain facts"><tbody>{facts.map(([k, v]) => <tr><td class="k">{k}</td><td>{v}</td></tr>)}</tbody></table>
      <div class="edit">
        <label>Name <input name="run-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
        <label>Tags <input name="run-tags" value={tags} placeholder="comma, separated" onInput={(e) => setTags((e.target as HTMLInputElement).value)} /></label>
        <label>Notes <textarea name="run-notes" rows={3} value={notes} onInput={(e) => setNotes((e.target as HTMLTextAreaElement).value)} /></label>
        <button onClick={save}>Save</button> <span class="muted" data-testid="save-status">{status}</span>
      </div>
      </div>
      <Alerts runId={run.id} />
      <div class="kv-row">
        <KV title="Config" data={run.config} />
        <KV title="Summary" data={run.summary} hideInternal />
      </div>
    </div>
  );
}
