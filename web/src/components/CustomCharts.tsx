// Custom charts (wandb.plot.* / plot_table): the run config holds _wandb.visualize.<key> with
// the Vega-Lite spec ("vega_spec") and the history key of its table; the table's latest
// version supplies the rows. Each chart renders in a sandboxed frame (VegaFrame).
import { useEffect, useState } from "preact/hooks";
import { api, type Json, type Run } from "../lib/api";
import { VegaFrame } from "./VegaFrame";

type Obj = Record<string, Json>;
const obj = (v: Json | undefined): Obj | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : null);

/** The table key a panel reads (its userQuery's summaryTable tableKey), else `<key>_table`. */
function tableKeyOf(key: string, panel: Obj): string {
  const text = JSON.stringify(panel.panel_config ?? {});
  const m = text.match(/"name":"tableKey","value":"((?:[^"\\]|\\.)*)"/);
  return m ? JSON.parse(`"${m[1]}"`) : `${key}_table`;
}

export function customCharts(run: Run): [string, Json, string][] {
  const wb = obj(run.config?._wandb);
  const vis = obj((obj(wb?.value) ?? wb)?.visualize ?? null);
  if (!vis) return [];
  return Object.entries(vis).flatMap(([k, v]) => {
    const panel = obj(v);
    return panel && panel.vega_spec ? [[k, panel.vega_spec, tableKeyOf(k, panel)] as [string, Json, string]] : [];
  });
}

function CustomChart({ runId, name, spec, tableKey }: { runId: string; name: string; spec: Json; tableKey: string }) {
  const [values, setValues] = useState<Obj[] | null>(null);
  const [err, setErr] = useState("");
  useEffect(() => {
    (async () => {
      const rows = (await api.history(runId, ["_step", tableKey], 10000)).rows;
      const desc = obj(rows.length ? rows[rows.length - 1][tableKey] : null);
      if (!desc || typeof desc.path !== "string") throw new Error(`no table logged under ${tableKey}`);
      const t = await api.table(runId, desc.path, { limit: 10000 });
      setValues(t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null]))));
    })().catch((e) => setErr(String(e.message || e)));
  }, [runId, tableKey]);
  return (
    <div class="panel custom-chart" data-key={name}>
      <div class="panel-title">{name}</div>
      {err ? <div class="error">{err}</div> : values ? <VegaFrame spec={spec} values={values} /> : <div class="loading">loading…</div>}
    </div>
  );
}

export function CustomCharts({ run }: { run: Run }) {
  const charts = customCharts(run);
  if (!charts.length) return null;
  return (
    <section class="chart-section">
      <h3>Custom charts</h3>
      <div class="panels">{charts.map(([k, spec, tk]) => <CustomChart key={k} runId={run.id} name={k} spec={spec} tableKey={tk} />)}</div>
    </section>
  );
}
