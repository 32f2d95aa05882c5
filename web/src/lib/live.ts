// One EventSource for the page: components subscribe to "runs changed" notifications, which
// the server sends after ingesting new run-file bytes.
import { useEffect, useRef, useState } from "preact/hooks";

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

/** Coalescing window of live refreshes: a run logging every few ms redraws at most this often. */
export const LIVE_REFRESH_MS = 700;

/**
 * A counter that goes up (at most once per LIVE_REFRESH_MS) after runs changed; views re-read
 * their data when it moves. `match` picks the changes that matter (default: any run).
 */
export function useLiveTick(match?: (runIds: string[]) => boolean): number {
  const [tick, setTick] = useState(0);
  const matchRef = useRef(match);
  matchRef.current = match;
  useEffect(() => {
    let timer: number | null = null;
    const off = onRunsChanged((ids) => {
      if (timer !== null || (matchRef.current && !matchRef.current(ids))) return;
      timer = window.setTimeout(() => { timer = null; setTick((t) => t + 1); }, LIVE_REFRESH_MS);
    });
    return () => { off(); if (timer !== null) clearTimeout(timer); };
  }, []);
  return tick;
}
