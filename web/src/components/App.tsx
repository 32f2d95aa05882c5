// Top-level routing: the URL hash picks the page (see lib/route.ts).
import { navigate, useRoute } from "../lib/route";
import { Compare } from "./Compare";
import { ProjectList } from "./ProjectList";
import { RunPage } from "./RunPage";
import { Workspace } from "./Workspace";

export function App() {
  const route = useRoute();
  return (
    <div class="app">
      <header class="topbar">
        <a class="brand" href="#/">Cairn</a>
        {route.project && <span class="crumb">/ <a href="#" onClick={(e) => { e.preventDefault(); navigate({ page: "workspace", project: route.project }); }}>{route.project}</a></span>}
        {route.page === "run" && <span class="crumb">/ {route.runId}</span>}
        {route.page === "compare" && <span class="crumb">/ compare</span>}
      </header>
      {route.page === "projects" && <ProjectList />}
      {route.page === "workspace" && <Workspace key={route.project} route={route} />}
      {route.page === "run" && <RunPage key={route.runId} route={route} />}
      {route.page === "compare" && <Compare route={route} />}
    </div>
  );
}
