// Typed wrappers over the JSON API under /api/v1 (docs/formats/http-api.md).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface Project { name: string; entity?: string; run_count: number; created_at?: number | string; updated_at?: number | string }

export interface Run {
  id: string; project: string; entity?: string; name: string | null; state: string;
  created_at: number | string | null; heartbeat_at?: number | string | null; runtime?: number | null;
  tags: string[]; group?: string | null; job_type?: string | null; notes?: string | null;
  config: Record<string, Json>; summary: Record<string, Json>; last_step?: number | null;
  exit_code?: number | null; host?: string | null; metadata?: Record<string, Json> | null;
}

export interface MetricKey { key: string; kind: string; count: number; first_step?: number; last_step?: number }

export interface Buckets { x: number[]; min: (number | null)[]; max: (number | null)[]; last: (number | null)[]; count: number[] }
export type BucketResult = Record<string, Record<string, Buckets>>;

export interface BucketQuery {
  run_ids: string[]; keys: string[]; buckets?: number; x_axis?: string;
  x_min?: number | null; x_max?: number | null; fields?: string[];
}

export class ApiError extends Error {
  constructor(public status: number, message: string) { super(message); }
}

// Requests started before the first render (see prefetch) wait here until a component asks for
// exactly the same thing; each is handed out once, so later reads are always fresh.
const prefetched = new Map<string, Promise<unknown>>();
let prefetching = false;

/** Run `fn`, whose API reads are started now and kept for the components that will ask. */
export function prefetch(fn: () => void): void {
  prefetching = true;
  try { fn(); } catch { /* a prefetch is only a head start */ } finally { prefetching = false; }
}

function call<T>(path: string, init?: RequestInit): Promise<T> {
  const key = `${init?.method || "GET"} ${path} ${init?.body || ""}`;
  if (prefetching) {
    const p = send<T>(path, init);
    p.catch(() => undefined);
    prefetched.set(key, p);
    return p;
  }
  const early = prefetched.get(key);
  if (early) { prefetched.delete(key); return early as Promise<T>; }
  return send<T>(path, init);
}

/** The server's `{"error": message}` of a failed answer, else its status text. */
function failure(res: Response, text: string): ApiError {
  let msg = "";
  try { msg = JSON.parse(text).error || ""; } catch { msg = text; }
  return new ApiError(res.status, msg || res.statusText);
}

async function send<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch("/api/v1" + path, init);
  const text = await res.text();
  if (!res.ok) throw failure(res, text);
  return (text ? JSON.parse(text) : null) as T;
}

const q = (params: Record<string, string | number | null | undefined>): string => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") u.set(k, String(v));
  const s = u.toString();
  return s ? "?" + s : "";
};

export const enc = (s: string): string => encodeURIComponent(s);
export const encPath = (p: string): string => p.split("/").map(encodeURIComponent).join("/");

export const api = {
  projects: () => call<{ projects: Project[] }>("/projects").then((r) => r.projects),
  runs: (p: { project?: string; filters?: object | null; order?: string; limit?: number; offset?: number; search?: string }) =>
    call<{ runs: Run[]; total: number }>("/runs" + q({
      project: p.project, filters: p.filters ? JSON.stringify(p.filters) : null, order: p.order,
      limit: p.limit, offset: p.offset, search: p.search,
    })),
  run: (id: string) => call<Run>(`/runs/${enc(id)}`),
  patchRun: (id: string, fields: { name?: string; notes?: string; tags?: string[] }) =>
    call<Run>(`/runs/${enc(id)}`, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(fields) }),
  keys: (runIds: string[]) =>
    call<{ keys: MetricKey[] }>("/keys", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ run_ids: runIds }) }).then((r) => r.keys),
  buckets: (b: BucketQuery) =>
    call<{ runs: BucketResult }>("/history/buckets", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(b) }).then((r) => r.runs),
  history: (id: string, keys: string[], limit = 10000, minStep?: number) =>
    call<{ rows: Record<string, Json>[]; next_min_step: number | null }>(`/runs/${enc(id)}/history` + q({ keys: keys.join(","), limit, min_step: minStep })),
  files: (id: string) => call<{ files: { name: string; size: number; sha256?: string; updated_at?: number }[] }>(`/runs/${enc(id)}/files`).then((r) => r.files),
  table: (id: string, path: string, p: { sort?: string; desc?: boolean; offset?: number; limit?: number }) =>
    call<{ columns: string[]; rows: Json[][]; total: number; offset: number }>(`/runs/${enc(id)}/tables/${encPath(path)}` + q({ sort: p.sort, desc: p.desc ? 1 : null, offset: p.offset, limit: p.limit })),
  alerts: (id: string) => call<{ alerts: Record<string, Json>[] }>(`/runs/${enc(id)}/alerts`).then((r) => r.alerts),
  system: (id: string) => call<{ system: Record<string, Json>[] }>(`/runs/${enc(id)}/system`).then((r) => r.system),
  console: (id: string, offset = 0, limit = 5000) => call<{ lines: Record<string, Json>[] }>(`/runs/${enc(id)}/console` + q({ offset, limit })).then((r) => r.lines),
  fileText: async (id: string, path: string): Promise<string> => {
    const res = await fetch(fileUrl(id, path));
    const text = await res.text();
    if (!res.ok) throw failure(res, text);
    return text;
  },
};

// Charts ask for one key each; asks made in the same moment with the same runs, axis, range
// and bucket count are merged into one request (one round trip, one index query).
type Waiter = { keys: Set<string>; resolve: (r: BucketResult) => void; reject: (e: unknown) => void }[];
const batches = new Map<string, Waiter>();

export function bucketsBatched(b: BucketQuery): Promise<BucketResult> {
  const group = JSON.stringify([b.run_ids, b.buckets, b.x_axis, b.x_min, b.x_max, b.fields]);
  return new Promise((resolve, reject) => {
    let waiters = batches.get(group);
    if (!waiters) {
      waiters = [];
      batches.set(group, waiters);
      setTimeout(() => {
        const ws = batches.get(group)!;
        batches.delete(group);
        const keys = [...new Set(ws.flatMap((w) => [...w.keys]))];
        api.buckets({ ...b, keys }).then((r) => ws.forEach((w) => w.resolve(r)), (e) => ws.forEach((w) => w.reject(e)));
      }, 0);
    }
    waiters.push({ keys: new Set(b.keys), resolve, reject });
  });
}

export const fileUrl = (id: string, path: string, download = false): string =>
  `/api/v1/runs/${enc(id)}/files/${encPath(path)}${download ? "?download=1" : ""}`;
