"""The run page in real Chromium: overview edits, media, tables, custom charts, and text safety."""

from __future__ import annotations

import json
import math
import os
import urllib.request

from tests.browser.conftest import STEPS, XSS, loss, wait_probe


def open_run(page, site, rid: str, tab: str = "overview") -> None:
    page.goto(f"{site.url}/#/p/ws/run/{rid}?tab={tab}")
    page.wait_for_selector("[data-testid=run-name]")


def test_overview_shows_config_and_summary_and_screenshot(page, site):
    open_run(page, site, site.ids["run-1"])
    assert page.inner_text("[data-testid=run-name]") == "run-1"
    cfg = page.inner_text("[data-testid=config-table]")
    assert "lr" in cfg and "0.1" in cfg and "layers" in cfg
    assert "best" in page.inner_text("[data-testid=summary-table]")
    alerts = page.wait_for_selector("[data-testid=alerts-table]")
    assert "Loss <b>high</b> check <script>x</script>" in alerts.inner_text()
    page.screenshot(path=os.path.join(site.shots, "run-overview.png"), full_page=True)


def test_editing_tags_and_notes_reaches_the_run(page, site):
    rid = site.ids["run-2"]
    open_run(page, site, rid)
    page.fill("input[name=run-tags]", "seed, edited")
    page.fill("textarea[name=run-notes]", "looked at it")
    page.click("text=Save")
    page.wait_for_selector("[data-testid=save-status]:has-text('saved')")
    with urllib.request.urlopen(f"{site.url}/api/v1/runs/{rid}") as r:
        got = json.load(r)
    assert got["tags"] == ["seed", "edited"] and got["notes"] == "looked at it"


def test_run_charts_tab_draws_the_runs_metrics(page, site):
    open_run(page, site, site.ids["run-3"], "charts")
    p = wait_probe(page, "train/loss", lambda p: len(p["series"]) == 1 and p["series"][0]["lastX"] == STEPS - 1)
    assert math.isclose(p["series"][0]["lastY"], loss(3, STEPS - 1), rel_tol=1e-9)


def test_media_panel_shows_the_logged_image(page, site):
    open_run(page, site, site.ids["run-0"], "media")
    img = page.wait_for_selector("[data-key=examples] img.media-img")
    page.wait_for_function("el => el.complete && el.naturalWidth === 16", arg=img)
    assert page.inner_text("[data-key=examples] .caption") == "half red"
    page.screenshot(path=os.path.join(site.shots, "run-media.png"), full_page=True)


def test_html_media_runs_only_inside_a_sandboxed_frame(page, site):
    open_run(page, site, site.ids["run-0"], "media")
    el = page.wait_for_selector("[data-key=page] iframe.html-media")
    assert el.get_attribute("sandbox") == "allow-scripts"
    el.content_frame().wait_for_selector("#hi:has-text('hello from html')")
    page.wait_for_timeout(200)
    assert page.cairn_dialogs == []  # a sandbox without allow-modals cannot alert()


def test_histogram_panel_steps_through_logged_histograms(page, site):
    open_run(page, site, site.ids["run-0"], "media")
    panel = page.wait_for_selector("[data-key=weights]")
    last = page.inner_text("[data-key=weights] [data-testid=media-step]")
    page.fill("[data-key=weights] input[name=step]", "0")
    first = page.inner_text("[data-key=weights] [data-testid=media-step]")
    assert int(first) < int(last)
    assert panel.query_selector(".histogram canvas") is not None


def test_custom_chart_renders_in_a_sandboxed_frame(page, site):
    open_run(page, site, site.ids["run-0"], "charts")
    frame_el = page.wait_for_selector("[data-key=squares] iframe[data-testid=vega-frame]")
    assert frame_el.get_attribute("sandbox") == "allow-scripts"
    frame = frame_el.content_frame()
    frame.wait_for_selector("svg .mark-line path, svg .mark-line", timeout=15000)
    page.screenshot(path=os.path.join(site.shots, "run-custom-chart.png"), full_page=True)


def test_xss_in_run_name_and_table_cell_is_shown_as_text(page, site):
    rid = site.ids["xss"]
    page.goto(f"{site.url}/#/p/ws")
    page.wait_for_selector(f".tr[data-run-id='{rid}']")
    assert page.inner_text(f".tr[data-run-id='{rid}'] .name") == XSS
    open_run(page, site, rid, "tables")
    page.wait_for_selector(".data-table td")
    cells = page.eval_on_selector_all(".data-table td", "els => els.map(e => e.textContent)")
    assert XSS in cells and "<b>bold</b>" in cells
    assert page.inner_text("[data-testid=run-name]") == XSS
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"], .data-table b').length") == 0
    assert page.cairn_dialogs == [] and page.cairn_errors == []


def test_compare_view_plots_selected_runs(page, site):
    sel = ",".join(site.ids[f"run-{i}"] for i in range(4))
    page.goto(f"{site.url}/#/p/ws/compare?sel={sel}")
    page.wait_for_selector("svg.parcoords")
    assert len(page.query_selector_all("svg.parcoords polyline.run-line")) == 4
    assert len(page.query_selector_all("svg.scatter circle.point")) == 4
    page.screenshot(path=os.path.join(site.shots, "compare.png"), full_page=True)


def test_console_tab_shows_captured_lines_as_text(page, site):
    open_run(page, site, site.ids["run-1"], "console")
    text = page.wait_for_selector("pre.console").inner_text()
    assert "epoch 1 <b>done</b>" in text and "bye" in text


def test_system_tab_charts_each_sampled_metric(page, site):
    open_run(page, site, site.ids["run-1"], "system")
    p = wait_probe(page, "system/cpu", lambda p: p["series"] and p["series"][0]["n"] == 5)
    assert p["series"][0]["lastY"] == 40.0


def test_files_tab_lists_media_with_download_links(page, site):
    open_run(page, site, site.ids["run-0"], "files")
    page.click("text=media/")
    page.click("text=images/")
    row = page.wait_for_selector("tr[data-file^='media/images/examples']")
    href = row.query_selector("a[download]").get_attribute("href")
    with urllib.request.urlopen(site.url + href) as r:
        data = r.read()
    assert data[:4] == b"\x89PNG"
