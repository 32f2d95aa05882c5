"""App-wide behaviour: security headers, the OpenAPI document, the UI page, live events."""

from __future__ import annotations

import http.client
import os
import re
import time

import pytest

import cairn as wandb
from cairn.server import create_app
from cairn.server.openapi import PATHS
from tests.server.conftest import QUIET
from tests.server.http import ThreadServer


def test_every_response_carries_a_strict_csp(client):
    for path in ("/", "/api/v1/projects", "/api/v1/nope"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
        assert "object-src 'none'" in csp


def test_unknown_api_route_is_a_json_404(client):
    r = client.get("/api/v1/nope")
    assert r.status_code == 404 and "error" in r.json()


def test_an_unexpected_error_is_a_json_500_naming_it(tmp_path):
    class Broken:
        root = str(tmp_path)
        calls = 0

        def ingest(self, ids=None):
            return None

        def projects(self):
            self.calls += 1
            if self.calls > 1:  # the first call is the start-up warm-up
                raise RuntimeError("the index is on fire")
            return []

    srv = ThreadServer(create_app(index=Broken(), live=False))
    client = srv.start()
    try:
        r = client.get("/api/v1/projects")
        assert r.status_code == 500
        assert "RuntimeError" in r.json()["error"] and "the index is on fire" in r.json()["error"]
    finally:
        srv.stop()


def test_only_loopback_host_names_are_answered_by_default(client):
    # A page on a rebinding domain (evil.example -> 127.0.0.1) sends its own name as Host.
    r = client.get("/api/v1/projects", headers={"Host": "evil.example:8765"})
    assert r.status_code == 400 and "evil.example" in r.json()["error"]
    for host in (f"localhost:{client.port}", f"127.0.0.1:{client.port}", f"[::1]:{client.port}"):
        assert client.get("/api/v1/projects", headers={"Host": host}).status_code == 200


def test_a_server_exposed_on_purpose_answers_any_host_name(seeded):
    srv = ThreadServer(create_app(seeded.root, live=False, allowed_hosts=None))
    client = srv.start()
    try:
        assert client.get("/api/v1/projects", headers={"Host": "box.lan:8765"}).status_code == 200
    finally:
        srv.stop()


def test_the_index_the_app_opened_is_closed_on_shutdown_and_one_passed_in_is_not(seeded):
    app = create_app(seeded.root, live=False)
    closed = []
    app.state.index.close = lambda: closed.append("own")
    srv = ThreadServer(app)
    srv.start()
    srv.stop()
    assert closed == ["own"]

    class Passed:
        root = seeded.root

        def ingest(self, ids=None):
            return None

        def projects(self):
            return []

        def close(self):
            closed.append("passed")

    srv = ThreadServer(create_app(index=Passed(), live=False))
    srv.start()
    srv.stop()
    assert closed == ["own"]


def test_a_failing_start_up_ingest_is_reported_not_fatal(tmp_path):
    class Index:
        root = str(tmp_path)

        def ingest(self, ids=None):
            raise OSError("unreadable run file")

        def projects(self):
            return []

    srv = ThreadServer(create_app(index=Index(), live=False))
    client = srv.start()
    try:
        health = client.get("/api/v1/health").json()
        assert health["ingest_error"] == "OSError: unreadable run file"
        assert client.get("/api/v1/projects").json() == {"projects": []}
    finally:
        srv.stop()


def test_openapi_lists_every_route_the_app_serves(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    served = {"/api/v1/history/buckets", "/api/v1/runs/{run_id}/files/{path}", "/api/v1/events",
              "/api/v1/runs/{run_id}", "/api/v1/runs", "/api/v1/projects"}
    assert served <= set(doc["paths"])
    from cairn.server import routes_files, routes_runs

    for route in routes_runs.ROUTES + routes_files.ROUTES:
        assert "/api/v1" + re.sub(r"\{(\w+)(:path)?\}", r"{\1}", route.path) in PATHS


def test_ui_page_explains_how_to_build_when_the_build_is_missing(client, tmp_path, monkeypatch):
    monkeypatch.setenv("CAIRN_STATIC_DIR", str(tmp_path / "none"))
    r = client.get("/")
    assert r.status_code == 200 and "npm run build" in r.text


def test_static_paths_cannot_escape_the_build_folder(client):
    r = client.get("/..%2f..%2fpyproject.toml")
    assert b"[project]" not in r.content


def test_only_hashed_assets_are_cached_forever_wherever_the_build_lies(client, tmp_path, monkeypatch):
    build = tmp_path / "assets" / "build"
    (build / "assets").mkdir(parents=True)
    (build / "index.html").write_text("<!doctype html><title>ui</title>")
    (build / "chart-frame.html").write_text("<!doctype html><title>frame</title>")
    (build / "assets" / "main-abc123.js").write_text("export {};")
    monkeypatch.setenv("CAIRN_STATIC_DIR", str(build))
    assert "immutable" in client.get("/assets/main-abc123.js").headers["cache-control"]
    for path in ("/", "/chart-frame.html"):
        assert client.get(path).headers["cache-control"] == "no-cache"


def test_live_events_announce_a_new_run_and_its_data_is_ingested(tmp_path, monkeypatch):
    root = str(tmp_path / "root")
    os.makedirs(root)
    srv = ThreadServer(create_app(root, ingest_interval=0.1))
    client = srv.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("GET", "/api/v1/events")
        resp = conn.getresponse()
        assert resp.getheader("content-type").startswith("text/event-stream")
        assert b"hello" in resp.readline() + resp.readline() + resp.readline()
        monkeypatch.setenv("CAIRN_ROOT", root)
        run = wandb.init(project="live", settings=dict(QUIET), reinit=True)
        run.log({"x": 1.0})
        seen = b""
        deadline = time.monotonic() + 10
        while run.id.encode() not in seen and time.monotonic() < deadline:
            seen += resp.readline()
        assert b"event: runs" in seen and run.id.encode() in seen
        runs = client.get("/api/v1/runs", params={"project": "live"}).json()["runs"]
        assert [r["id"] for r in runs] == [run.id] and runs[0]["state"] == "running"
        run.finish(quiet=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if client.get(f"/api/v1/runs/{run.id}").json()["state"] == "finished":
                break
            time.sleep(0.1)
        assert client.get(f"/api/v1/runs/{run.id}").json()["state"] == "finished"
        conn.close()
    finally:
        srv.stop()


def test_cli_registers_server_and_ui_bound_to_localhost_by_default():
    from click.testing import CliRunner

    from cairn.cli.server_cmds import COMMANDS, server_cmd, ui_cmd

    assert [c.name for c in COMMANDS] == ["server", "ui"]
    for cmd in (server_cmd, ui_cmd):
        defaults = {p.name: p.default for p in cmd.params}
        assert defaults["host"] == "127.0.0.1" and defaults["port"] == 8765
        out = CliRunner().invoke(cmd, ["--help"]).output
        assert "--root" in out and "--index-url" in out


def test_closing_the_hub_ends_every_event_stream():
    import asyncio

    from cairn.server.live import Hub, event_stream

    async def scenario() -> list[str]:
        hub = Hub()
        stream = event_stream(hub)
        got = [await stream.__anext__()]
        hub.publish({"type": "runs", "run_ids": ["r1"]})
        got.append(await stream.__anext__())
        hub.close()
        got.extend([chunk async for chunk in stream])
        return got

    hello, runs, *rest = asyncio.run(scenario())
    assert "event: hello" in hello and '"run_ids":["r1"]' in runs and rest == []


def test_watcher_retries_a_failed_ingest_and_forgets_removed_runs(tmp_path):
    import shutil

    from cairn.server.live import Hub, Watcher

    class Index:
        root = str(tmp_path)
        fail = True
        ingested: list = []

        def ingest(self, ids=None):
            if self.fail:
                self.fail = False
                raise OSError("disk hiccup")
            self.ingested.append(ids)

    run_dir = tmp_path / "runs" / "r1"
    run_dir.mkdir(parents=True)
    (run_dir / "run.cairn").write_bytes(b"x")
    w = Watcher(Index(), Hub())
    with pytest.raises(OSError):
        w.tick()
    assert w.tick() == ["r1"] and w.index.ingested == [["r1"]]
    assert w.tick() == []
    shutil.rmtree(run_dir)
    assert w.tick() == [] and w.seen == {}
