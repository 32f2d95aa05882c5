"""The project workspace in real Chromium: runs table, charts and what changes what is drawn."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
import urllib.parse

from tests.browser.conftest import LRS, STEPS, XSS, loss, wait_probe


def open_workspace(page, site, **params) -> None:
    q = urllib.parse.urlencode(params)
    page.goto(f"{site.url}/#/p/ws" + (f"?{q}" if q else ""))
    page.wait_for_selector("[data-testid=run-count]")


def test_workspace_lists_every_run_of_the_project(page, site):
    open_workspace(page, site)
    page.wait_for_function("() => document.querySelectorAll('.tr[data-run-id]').length === 5")
    assert page.inner_text("[data-testid=run-count]") == "5 runs"
    names = page.eval_on_selector_all(".tr[data-run-id] .name", "els => els.map(e => e.textContent)")
    assert sorted(names) == sorted([f"run-{i}" for i in range(4)] + [XSS])
    wait_probe(page, "train/loss", lambda p: len(p["series"]) == 5)
    page.screenshot(path=os.path.join(site.shots, "workspace.png"))


def test_chart_draws_one_series_per_run_ending_at_the_last_logged_value(page, site):
    open_workspace(page, site)
    p = wait_probe(page, "train/loss", lambda p: len(p["series"]) == 5)
    last = {s["label"]: s["lastY"] for s in p["series"]}
    for i in range(4):
        assert math.isclose(last[f"run-{i}"], loss(i, STEPS - 1), rel_tol=1e-9)
    assert math.isclose(last[XSS], loss(4, STEPS - 1), rel_tol=1e-9)
    assert all(s["lastX"] == STEPS - 1 for s in p["series"])
    assert not page.cairn_errors


def test_smoothing_changes_what_is_drawn(page, site):
    open_workspace(page, site)
    raw = wait_probe(page, "train/loss", lambda p: len(p["series"]) == 5)
    page.select_option("select[name=smoothing]", "ema")
    sm = wait_probe(page, "train/loss", lambda p: p["drawn"] > raw["drawn"])
    assert "smooth=ema" in page.url
    by = {s["label"]: s for s in sm["series"]}
    r0 = next(s for s in raw["series"] if s["label"] == "run-0")
    # An EMA of a decaying curve lags above it, but starts at the first value (debiased).
    assert math.isclose(by["run-0"]["ys"][0], r0["ys"][0])
    assert by["run-0"]["lastY"] > r0["lastY"]
    page.select_option("select[name=smoothing]", "gauss")
    g = wait_probe(page, "train/loss", lambda p: p["drawn"] > sm["drawn"])
    assert {s["label"]: s["lastY"] for s in g["series"]} != {s["label"]: s["lastY"] for s in sm["series"]}


def test_x_axis_choice_changes_the_drawn_x_values(page, site):
    open_workspace(page, site)
    wait_probe(page, "train/loss", lambda p: p["xAxis"] == "_step" and p["series"][0]["lastX"] == STEPS - 1)
    page.select_option("select[name=x-axis]", "train/acc")
    p = wait_probe(page, "train/loss", lambda p: p["xAxis"] == "train/acc")
    assert all(math.isclose(s["lastX"], 1.0) for s in p["series"] if s["label"] != XSS)
    page.select_option("select[name=x-axis]", "_runtime")
    p = wait_probe(page, "train/loss", lambda p: p["xAxis"] == "_runtime")
    assert all(0 <= s["lastX"] < 600 for s in p["series"])


def test_grouping_by_a_config_key_draws_one_mean_line_per_value(page, site):
    open_workspace(page, site, group="config.lr")
    n_groups = len(set(LRS)) + 1  # and the XSS run's lr
    p = wait_probe(page, "train/loss", lambda p: len(p["series"]) == n_groups)
    by = {s["label"]: s for s in p["series"]}
    mean_01 = (loss(0, STEPS - 1) + loss(1, STEPS - 1)) / 2
    assert math.isclose(by["lr=0.1 (2)"]["lastY"], mean_01, rel_tol=1e-9)
    page.select_option("select[name=group-by]", "")
    wait_probe(page, "train/loss", lambda p: len(p["series"]) == 5)


def test_drag_zoom_refetches_a_narrower_range(page, site):
    open_workspace(page, site)
    wait_probe(page, "train/loss", lambda p: len(p["series"]) == 5)
    over = page.locator("[data-metric='train/loss'] .u-over")
    box = over.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.1, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, y, steps=5)
    page.mouse.up()
    p = wait_probe(page, "train/loss", lambda p: "zoom=" in page.url and p["series"][0]["lastX"] < STEPS * 0.6)
    assert p["series"][0]["lastX"] > 0
    page.dblclick("[data-metric='train/loss'] .u-over")
    wait_probe(page, "train/loss", lambda p: p["series"][0]["lastX"] == STEPS - 1)


def test_deep_link_restores_view_state(page, site):
    open_workspace(page, site, x="_runtime", smooth="avg:5", log="1", search="run-1")
    assert page.input_value("select[name=x-axis]") == "_runtime"
    assert page.input_value("select[name=smoothing]") == "avg"
    assert page.is_checked("input[name=log-y]")
    page.wait_for_function("() => document.querySelectorAll('.tr[data-run-id]').length === 1")
    p = wait_probe(page, "train/loss", lambda p: p["xAxis"] == "_runtime" and p["logY"])
    assert [s["label"] for s in p["series"]] == ["run-1"]


def test_filter_expression_narrows_the_runs(page, site):
    open_workspace(page, site)
    page.fill("input[name=filter]", "config.lr >= 0.2 and config.layers < 9")
    page.press("input[name=filter]", "Enter")
    page.wait_for_function("() => document.querySelector('[data-testid=run-count]').textContent === '2 runs'")
    p = wait_probe(page, "train/loss", lambda p: len(p["series"]) == 2)
    assert sorted(s["label"] for s in p["series"]) == ["run-2", "run-3"]


def test_a_live_runs_chart_grows_while_the_child_logs(page, site):
    code = textwrap.dedent(f"""
        import os, time
        os.environ["CAIRN_ROOT"] = {site.root!r}
        import cairn as wandb
        run = wandb.init(project="live", name="growing", settings={{"console": "off", "silent": True, "x_disable_stats": True, "disable_git": True}})
        for s in range(400):
            run.log({{"live/metric": s * 1.0}})
            time.sleep(0.02)
        run.finish(quiet=True)
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "CAIRN_"))}
    child = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        page.goto(f"{site.url}/#/p/live")
        first = wait_probe(page, "live/metric", lambda p: len(p["series"]) == 1 and p["series"][0]["n"] > 0, 20)
        grown = wait_probe(page, "live/metric", lambda p: p["series"][0]["lastX"] > first["series"][0]["lastX"] + 20, 20)
        assert grown["series"][0]["lastY"] == grown["series"][0]["lastX"]
    finally:
        child.wait(60)
    final = wait_probe(page, "live/metric", lambda p: p["series"][0]["lastX"] == 399, 20)
    assert final["series"][0]["lastY"] == 399.0


def test_hiding_a_run_removes_its_series(page, site):
    open_workspace(page, site)
    wait_probe(page, "train/loss", lambda p: len(p["series"]) == 5)
    page.click(f".tr[data-run-id='{site.ids['run-3']}'] button.eye")
    p = wait_probe(page, "train/loss", lambda p: len(p["series"]) == 4)
    assert "run-3" not in {s["label"] for s in p["series"]}
    page.click(f".tr[data-run-id='{site.ids['run-3']}'] button.eye")
    wait_probe(page, "train/loss", lambda p: len(p["series"]) == 5)


def test_clicking_a_column_header_sorts_the_table(page, site):
    open_workspace(page, site)
    page.wait_for_selector(".tr[data-run-id]")
    page.click(".thead .th:has-text('Name')")
    page.wait_for_function("() => location.hash.includes('order=%2Bdisplay_name')")
    page.wait_for_function("() => document.querySelector('.tr[data-run-id] .name')?.textContent === '<img src=x onerror=alert(1)>'")
    page.click(".thead .th:has-text('Name')")
    page.wait_for_function("() => document.querySelector('.tr[data-run-id] .name')?.textContent === 'run-3'")


def test_config_and_summary_columns_can_be_added_and_removed(page, site):
    open_workspace(page, site)
    page.wait_for_selector(".tr[data-run-id]")
    page.select_option("select[name=add-column]", "summary.best")
    cell = page.wait_for_selector(f".tr[data-run-id='{site.ids['run-1']}'] .col-summary\\.best")
    assert cell.inner_text() == "0.5"
    assert "cols=summary.best" in page.url
    page.click(".thead .remove-col")
    page.wait_for_function("() => !document.querySelector('.col-summary\\\\.best')")


def test_selected_runs_are_the_ones_charted_and_can_be_compared(page, site):
    open_workspace(page, site)
    wait_probe(page, "train/loss", lambda p: len(p["series"]) == 5)
    for name in ("run-0", "run-2"):
        page.check(f".tr[data-run-id='{site.ids[name]}'] input[type=checkbox]")
    p = wait_probe(page, "train/loss", lambda p: len(p["series"]) == 2)
    assert sorted(s["label"] for s in p["series"]) == ["run-0", "run-2"]
    page.click("text=compare")
    page.wait_for_selector("svg.parcoords")
    assert len(page.query_selector_all("svg.parcoords polyline.run-line")) == 2


def test_drawn_runs_get_distinct_colours_in_table_order_shared_with_compare(page, site):
    open_workspace(page, site, order="+display_name")
    p = wait_probe(page, "train/loss", lambda p: len(p["series"]) == 5)
    colours = [s["color"] for s in p["series"]]
    assert len(set(colours)) == 5
    rows = page.eval_on_selector_all(".tr[data-run-id]", "els => els.map(e => [e.dataset.runId, e.querySelector('input.color').value])")
    assert len({c for _, c in rows}) == 5
    by_label = {s["label"]: s["color"] for s in p["series"]}
    names = page.eval_on_selector_all(".tr[data-run-id] .name", "els => els.map(e => e.textContent)")
    assert [by_label[n] for n in names] == [c for _, c in rows]  # chart and table agree, row by row
    legend = page.eval_on_selector_all("[data-metric='train/loss'] .chart-legend .legend-item", "els => els.map(e => e.textContent)")
    assert sorted(legend) == sorted(names)
    # The compare view keeps each run's workspace colour.
    ids = [rid for rid, _ in rows[:4]]
    page.goto(f"{site.url}/#/p/ws/compare?sel={','.join(reversed(ids))}")
    page.wait_for_selector("svg.scatter circle.point")
    drawn = page.eval_on_selector_all("svg.parcoords polyline.run-line", "els => els.map(e => e.getAttribute('stroke'))")
    assert sorted(drawn) == sorted(c for _, c in rows[:4])


def test_an_empty_project_and_an_empty_filter_each_say_why_once(page, site):
    page.goto(f"{site.url}/#/p/no-such-project")
    empty = page.wait_for_selector("[data-testid=empty]")
    assert "No runs in this project yet" in empty.inner_text()
    assert "No numeric metrics" not in page.inner_text("main")
    open_workspace(page, site, search="no run is called this")
    assert "No runs match" in page.wait_for_selector("[data-testid=empty]").inner_text()


def test_a_bare_percent_in_a_hand_typed_link_still_opens_the_workspace(page, site):
    page.goto(f"{site.url}/#/p/50%")
    page.wait_for_selector("[data-testid=empty]")
    assert page.inner_text("[data-testid=run-count]") == "0 runs"
    assert "50%" in page.inner_text(".topbar") and not page.cairn_errors
