// Runs inside <iframe sandbox="allow-scripts"> (opaque origin): renders a Vega-Lite spec it is
// sent by the parent, and reports its height. Nothing here can touch the UI's origin.
import embed, { type Result } from "vega-embed";

// The view drawn last: finalized before the next render (a new step's spec or rows), so its
// timers and listeners do not pile up.
let shown: Result | null = null;

window.addEventListener("message", async (ev: MessageEvent) => {
  if (ev.source !== window.parent || !ev.data || ev.data.type !== "render") return;
  const el = document.getElementById("chart")!;
  shown?.finalize();
  shown = null;
  try {
    const spec = typeof ev.data.spec === "string" ? JSON.parse(ev.data.spec) : { ...ev.data.spec };
    if (ev.data.values && (!spec.data || !("values" in spec.data))) spec.data = { ...(spec.data || {}), values: ev.data.values };
    shown = await embed(el, spec, { actions: false, renderer: "svg" });
  } catch (e) {
    el.textContent = `Cannot render this chart: ${(e as Error).message}`;
  }
  window.parent.postMessage({ type: "size", height: document.body.scrollHeight }, "*");
});
window.parent.postMessage({ type: "ready" }, "*");
