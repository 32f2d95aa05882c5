// All view state lives in the URL hash, so every view is a deep link:
//   #/                                   project list
//   #/p/<project>?x=&smooth=&filter=&search=&sel=&group=&log=&n=&zoom=&order=
//   #/p/<project>/run/<id>?tab=&x=&smooth=
//   #/p/<project>/compare?sel=a,b&cx=&cy=
import { useEffect, useState } from "preact/hooks";

export type Page = "projects" | "workspace" | "run" | "compare";

export interface Route {
  page: Page;
  project: string;
  runId: string;
  params: Record<string, string>;
}

// A hand-edited hash may hold a bare "%" (a project called "50%"): keep such a part as typed
// rather than let decodeURIComponent throw and blank the page.
function decodePart(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, "");
  const qi = h.indexOf("?");
  const path = qi >= 0 ? h.slice(0, qi) : h;
  const params: Record<string, string> = {};
  if (qi >= 0) new URLSearchParams(h.slice(qi + 1)).forEach((v, k) => { params[k] = v; });
  const parts = path.split("/").filter(Boolean).map(decodePart);
  if (parts[0] !== "p" || parts.length < 2) return { page: "projects", project: "", runId: "", params };
  const project = parts[1];
  if (parts[2] === "run" && parts[3]) return { page: "run", project, runId: parts[3], params };
  if (parts[2] === "compare") return { page: "compare", project, runId: "", params };
  return { page: "workspace", project, runId: "", params };
}

export function formatHash(r: Route): string {
  let path = "#/";
  if (r.page !== "projects") path += "p/" + encodeURIComponent(r.project);
  if (r.page === "run") path += "/run/" + encodeURIComponent(r.runId);
  if (r.page === "compare") path += "/compare";
  const u = new URLSearchParams();
  for (const k of Object.keys(r.params).sort()) if (r.params[k] !== "") u.set(k, r.params[k]);
  const s = u.toString();
  return s ? `${path}?${s}` : path;
}

/** Go to a new view (a new history entry). */
export function navigate(r: Partial<Route> & { page: Page }): void {
  location.hash = formatHash({ project: "", runId: "", params: {}, ...r });
}

/** Change parameters of the current view in place (no history entry per slider move). */
export function setParams(updates: Record<string, string | null | undefined>): void {
  const r = parseHash(location.hash);
  for (const [k, v] of Object.entries(updates)) {
    if (v === null || v === undefined || v === "") delete r.params[k];
    else r.params[k] = v;
  }
  history.replaceState(null, "", formatHash(r));
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}
