// The landing page: every project of the root with its run count.
import { useEffect, useState } from "preact/hooks";
import { api, type Project } from "../lib/api";
import { fmtDate } from "../lib/format";
import { useLiveTick } from "../lib/live";
import { navigate } from "../lib/route";

export function ProjectList() {
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [err, setErr] = useState("");
  // Re-read on live changes, coalesced like the other views (not once per ingest tick).
  const tick = useLiveTick();
  useEffect(() => {
    let live = true;
    api.projects().then((p) => live && setProjects(p)).catch((e) => live && setErr(String(e.message || e)));
    return () => { live = false; };
  }, [tick]);
  if (err) return <div class="error pad">{err}</div>;
  if (!projects) return <div class="loading pad">loading…</div>;
  if (!projects.length) return <div class="pad muted">No runs yet. Log one with <code>import cairn as wandb; wandb.init(project="demo")</code>.</div>;
  return (
    <div class="pad">
      <h2>Projects</h2>
      <table class="plain projects">
        <thead><tr><th>Project</th><th>Runs</th><th>Last update</th></tr></thead>
        <tbody>
          {projects.map((p) => (
            <tr data-project={p.name}>
              <td><a href="#" onClick={(e) => { e.preventDefault(); navigate({ page: "workspace", project: p.name }); }}>{p.name}</a></td>
              <td>{p.run_count}</td>
              <td>{fmtDate(p.updated_at ?? null)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
