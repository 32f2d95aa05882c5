// A custom chart (Vega-Lite spec) rendered by /chart-frame.html inside
// <iframe sandbox="allow-scripts">: an opaque origin that cannot reach the UI, its storage or
// the API with the user's credentials. The spec travels by postMessage.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Json } from "../lib/api";

/** Turn a wandb-style table ({columns, data}) into Vega "values" rows. */
export function tableValues(t: Json | undefined): Record<string, Json>[] | null {
  if (!t || typeof t !== "object" || Array.isArray(t)) return null;
  const cols = t.columns, data = t.data;
  if (!Array.isArray(cols) || !Array.isArray(data)) return null;
  return data.map((row) => Object.fromEntries(cols.map((c, i) => [String(c), Array.isArray(row) ? row[i] : null])));
}

export function VegaFrame({ spec, values }: { spec: Json; values: Record<string, Json>[] | null }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(360);
  // The frame says "ready" once per load; a spec or rows arriving later (another step picked on
  // the slider, a live refresh) are sent straight away.
  const ready = useRef(false);
  useEffect(() => {
    const win = () => frame.current?.contentWindow;
    const render = () => win()?.postMessage({ type: "render", spec, values }, "*");
    const onMsg = (ev: MessageEvent) => {
      if (ev.source !== win()) return; // only our own frame; its origin is "null" by design
      if (ev.data && ev.data.type === "ready") { ready.current = true; render(); }
      if (ev.data && ev.data.type === "size" && typeof ev.data.height === "number") setHeight(Math.min(2000, Math.max(100, ev.data.height + 16)));
    };
    window.addEventListener("message", onMsg);
    if (ready.current) render();
    return () => window.removeEventListener("message", onMsg);
  }, [spec, values]);
  return <iframe ref={frame} class="vega-frame" data-testid="vega-frame" sandbox="allow-scripts" src="/chart-frame.html" title="custom chart" style={{ height }} />;
}
