"""The README screenshots: make_screenshots.py seeds a demo root and photographs four views."""

from __future__ import annotations

import os
import subprocess
import sys

from PIL import Image

from tests.browser.make_screenshots import NAMES, SIZE

REPO = os.path.join(os.path.dirname(__file__), "..", "..")


def test_make_screenshots_writes_small_1280x800_pngs(site, tmp_path):
    # ``site`` only for its skips (Chromium present, UI built); the script seeds its own root.
    out = os.environ.get("CAIRN_SCREENSHOTS") or str(tmp_path / "shots")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "CAIRN_"))}
    subprocess.run([sys.executable, "-m", "tests.browser.make_screenshots", out], cwd=REPO, env=env,
                   check=True, timeout=180, capture_output=True)
    for name in NAMES:
        path = os.path.join(out, name)
        with Image.open(path) as im:
            assert im.format == "PNG" and im.size == (SIZE["width"], SIZE["height"])
            assert len(im.getcolors(1 << 16) or range(1 << 16)) > 8  # drawn, not a blank page
        assert os.path.getsize(path) < 300_000
