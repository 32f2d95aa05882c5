// One run: tabs for overview, charts, media, tables, files, console and system metrics.
// The active tab (and chart settings) are in the URL.
import { useEffect, useMemo, useState } from "preact/hooks";
import { api, type MetricKey, type Run } from "../lib/api";
import { useLiveTick } from "../lib/live";
import { setParams, type Route } from "../lib/route";
import { ChartGrid } from "../charts/ChartGrid";
import { Controls } from "../charts/Controls";
import { paletteColor } from "../charts/colors";
import { parseSmoothing } from "../charts/smoothing";
import { ConsoleTab, FilesTab, SystemTab } from "./RunTabs";
import { CustomCharts } from "./CustomCharts";
import { MediaTab, TablesTab } from "./MediaTab";
import { Overview } from "./Overview";
import { chartKeys } from "./Workspace";

const TABS = ["overview", "charts", "media", "tables", "files", "console", "system"];

export function RunPage({ route }: { route: Route }) {
  const { runId, params } = route;
  const tab = TABS.includes(params.tab) ? params.tab : "overview";
  const [run, setRun] = useState<Run | null>(null);
  const [keys, setKeys] = useState<MetricKey[]>([]);
  const [err, setErr] = useState("");
  const tick = useLiveTick((ids) => ids.includes(runId));

  useEffect(() => {
    let live = true;
    api.run(runId).then((r) => live && setRun(r)).catch((e) => live && setErr(String(e.message || e)));
    api.keys([runId]).then((k) => live && setKeys(k)).catch(() => undefined);
    return () => { live = false; };
  }, [runId, tick]);

  const settings = useMemo(() => ({ xAxis: params.x || "_step", smoothing: parseSmoothing(params.smooth), logY: params.log === "1",
    zoom: params.zoom ? (params.zoom.split(",").map(Number) as [number, number]) : null }), [params.x, params.smooth, params.log, params.zoom]);
  const lines = useMemo(() => [{ id: runId, label: run?.name || runId, color: paletteColor(0), runIds: [runId] }], [runId, run?.name]);

  if (err) return <div class="error pad">{err}</div>;
  if (!run) return <div class="loading pad">loading…</div>;
  const metrics = chartKeys(keys);
  return (
    <div class="run-page pad">
      <h2 class="run-title"><span class={`state state-${run.state}`}>{run.state}</span> <span data-testid="run-name">{run.name || run.id}</span></h2>
      <nav class="tabs">
        {TABS.map((t) => <button class={t === tab ? "active" : ""} data-tab={t} onClick={() => setParams({ tab: t })}>{t}</button>)}
      </nav>
      {tab === "overview" && <Overview run={run} onSaved={setRun} />}
      {tab === "charts" && (
        <div>
          <Controls xAxis={settings.xAxis} xChoices={metrics} smoothing={settings.smoothing} logY={settings.logY} zoomed={!!settings.zoom} onChange={setParams} />
          <CustomCharts run={run} />
          <ChartGrid metrics={metrics.filter((m) => m !== settings.xAxis)} lines={lines} settings={settings} tick={tick}
            onZoom={(r) => setParams({ zoom: r ? r.map((v) => +v.toPrecision(8)).join(",") : null })} />
        </div>
      )}
      {tab === "media" && <MediaTab runId={runId} keys={keys} tick={tick} />}
      {tab === "tables" && <TablesTab runId={runId} keys={keys} />}
      {tab === "files" && <FilesTab runId={runId} />}
      {tab === "console" && <ConsoleTab runId={runId} tick={tick} />}
      {tab === "system" && <SystemTab runId={runId} tick={tick} />}
    </div>
  );
}
