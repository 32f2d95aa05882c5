// Entry point of the SPA. The first view's API reads start before the first render, so they
// overlap with Preact's start-up instead of following it.
import { render } from "preact";
import { api, prefetch } from "./lib/api";
import { parseHash } from "./lib/route";
import { App } from "./components/App";
import { PAGE } from "./components/useRuns";
import { workspaceQuery } from "./components/Workspace";
import "./style.css";

const first = parseHash(location.hash);
prefetch(() => {
  if (first.page === "workspace") {
    const q = workspaceQuery(first);
    api.runs({ project: q.project, filters: q.filters, search: q.search, order: q.order, limit: PAGE, offset: 0 });
  } else if (first.page === "run") {
    api.run(first.runId);
    api.keys([first.runId]);
  } else if (first.page === "projects") {
    api.projects();
  }
});

render(<App />, document.getElementById("app")!);
