// One EventSource for the page: components subscribe to "runs changed" notifications, which
// the server sends after ingesting new run-file bytes.
type Listener = (runIds: string[]) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;

function ensure(): void {
  if (source || typeof EventSource === "undefined") return;
  source = new EventSource("/api/v1/events");
  source.addEventListener("runs", (ev) => {
    let ids: string[] = [];
    try { ids = JSON.parse((ev as MessageEvent).data).run_ids || []; } catch { /* ignore bad event */ }
    for (const l of listeners) l(ids);
  });
}

/** Call `fn` with the ids of runs that changed; returns the unsubscribe function. */
export function onRunsChanged(fn: Listener): () => void {
  ensure();
  listeners.add(fn);
  return () => { listeners.delete(fn); };
}
