// Runs inside <iframe sandbox="allow-scripts"> (opaque origin): renders a Vega-Lite spec it is
// sent by the parent, and reports its height. Nothing here can touch the UI's origin.
import embed from "vega-embed";

window.addEventListener("message", async (ev: MessageEvent) => {
  if (ev.source !== window.parent || !ev.data || ev.data.type !== "render") return;
  const spec = typeof ev.data.spec === "string" ? JSON.parse(ev.data.spec) : { ...ev.data.spec };
  if (ev.data.values && (!spec.data || !("values" in spec.data))) spec.data = { ...(spec.data || {}), values: ev.data.values };
  const el = document.getElementById("chart")!;
  try {
    await embed(el, spec, { actions: false, renderer: "svg" });
  } catch (e) {
    el.textContent = `Cannot render this chart: ${(e as Error).message}`;
  }
  window.parent.postMessage({ type: "size", height: document.body.scrollHeight }, "*");
});
window.parent.postMessage({ type: "ready" }, "*");
