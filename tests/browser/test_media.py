"""Media in real Chromium: images inside logged tables, audio, video, and the step slider."""

from __future__ import annotations

import urllib.request

from tests.browser.conftest import FRAME_STEPS, TABLE_ROWS


def open_tab(page, site, rid: str, tab: str) -> None:
    page.goto(f"{site.url}/#/p/ws/run/{rid}?tab={tab}")
    page.wait_for_selector("[data-testid=run-name]")


def open_gallery(page, site) -> None:
    open_tab(page, site, site.ids["run-0"], "tables")
    sel = page.wait_for_selector("select[name=table]")
    value = page.eval_on_selector("select[name=table]",
                                  "s => [...s.options].find(o => o.textContent.startsWith('gallery')).value")
    sel.select_option(value)
    page.wait_for_selector(".data-table img.cell-img")


def first_column(page) -> list[str]:
    return page.eval_on_selector_all(".data-table tbody tr td:first-child .caption", "els => els.map(e => e.textContent)")


def fetch(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url) as r:
        return r.headers["Content-Type"], r.read()


def test_table_image_cells_show_thumbnails_with_captions(page, site):
    open_gallery(page, site)
    imgs = page.query_selector_all(".data-table img.cell-img")
    assert len(imgs) == 50  # one page
    page.wait_for_function("() => [...document.querySelectorAll('.data-table img.cell-img')]"
                           ".every(i => i.complete && i.naturalWidth === 12)")
    assert first_column(page)[:3] == ["digit 00", "digit 01", "digit 02"]
    # Each image is its own row's file, not the class name wandb's "data" holds.
    srcs = {i.get_attribute("src") for i in imgs}
    assert len(srcs) == 50 and all("/files/media/images/" in s for s in srcs)
    ctype, data = fetch(site.url + imgs[0].get_attribute("src"))
    assert ctype == "image/png" and data[:4] == b"\x89PNG"
    assert "Image" not in page.inner_text(".data-table tbody")
    assert not page.cairn_errors


def test_table_with_images_sorts_and_pages(page, site):
    open_gallery(page, site)
    page.click(".data-table th:has-text('n')")
    page.click(".data-table th:has-text('n')")  # descending
    page.wait_for_function(f"() => document.querySelector('.data-table tbody td:nth-child(2)').textContent === '{TABLE_ROWS - 1}'")
    assert first_column(page)[0] == f"digit {TABLE_ROWS - 1:02d}"
    page.click("text=next ›")
    page.wait_for_function("() => document.querySelectorAll('.data-table tbody tr').length === 10")
    assert first_column(page) == [f"digit {k:02d}" for k in range(9, -1, -1)]
    # Sorting the image column orders rows by caption; the image moves with its row.
    page.click(".data-table th:has-text('image')")
    page.wait_for_function("() => document.querySelector('.data-table tbody td .caption').textContent === 'digit 00'")
    row = page.query_selector(".data-table tbody tr")
    assert row.query_selector("td:nth-child(2)").inner_text() == "0"


def test_audio_panel_plays_the_logged_wav(page, site):
    open_tab(page, site, site.ids["run-0"], "media")
    audio = page.wait_for_selector("[data-key=tone] audio")
    src = audio.get_attribute("src")
    assert "/files/media/audio/tone_" in src and src.endswith(".wav")
    assert page.inner_text("[data-key=tone] .caption") == "A440"
    ctype, data = fetch(site.url + src)
    assert ctype == "audio/wav" and data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    # Chromium decodes it: the clip is one second long.
    page.wait_for_function("el => el.readyState >= 1 && Math.abs(el.duration - 1) < 0.01", arg=audio)


def test_video_panel_shows_the_logged_gif(page, site):
    open_tab(page, site, site.ids["run-0"], "media")
    el = page.wait_for_selector("[data-key=clip] img.media-video, [data-key=clip] video")
    src = el.get_attribute("src")
    ctype, data = fetch(site.url + src)
    assert src.endswith(".gif") and ctype == "image/gif" and data[:6] in (b"GIF89a", b"GIF87a")
    assert el.evaluate("e => e.tagName") == "IMG"
    page.wait_for_function("el => el.complete && el.naturalWidth === 16", arg=el)
    assert page.inner_text("[data-key=clip] .caption") == "fade"


def test_step_slider_switches_between_steps_of_an_image_key(page, site):
    open_tab(page, site, site.ids["run-0"], "media")
    img = page.wait_for_selector("[data-key=frames] img.media-img")
    # The latest step shows first.
    page.wait_for_function(f"el => el.complete && el.naturalWidth === {8 + 4 * (FRAME_STEPS - 1)}", arg=img)
    steps = []
    for k in range(FRAME_STEPS):
        page.fill("[data-key=frames] input[name=step]", str(k))
        page.wait_for_function(
            f"() => {{ const i = document.querySelector('[data-key=frames] img.media-img');"
            f" return i.complete && i.naturalWidth === {8 + 4 * k}; }}")
        assert page.inner_text("[data-key=frames] .caption") == f"frame {k}"
        steps.append(int(page.inner_text("[data-key=frames] [data-testid=media-step]")))
    assert steps == sorted(steps) and len(set(steps)) == FRAME_STEPS
