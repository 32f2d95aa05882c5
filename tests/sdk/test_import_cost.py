"""Importing cairn and running a plain run stay light: no NumPy, pandas, PIL or PyYAML is
loaded unless the program uses them (timings are measured by examples/measure_sdk_overhead.py,
not asserted here)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

HEAVY = ("numpy", "pandas", "PIL", "yaml", "torch")


def loaded_after(code: str, env: dict) -> list[str]:
    probe = textwrap.dedent(code) + f"\nimport sys\nprint([m for m in {HEAVY!r} if m in sys.modules])\n"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return eval(out.stdout.strip().splitlines()[-1])


def test_import_cairn_loads_no_heavy_module(isolated):
    assert loaded_after("import cairn", dict(os.environ)) == []


def test_a_plain_run_loads_no_heavy_module(isolated):
    code = """
        import cairn
        run = cairn.init(project="p", config={"lr": 0.1})
        for i in range(100):
            run.log({"loss": 1.0 / (i + 1), "tag": "x", "ok": True})
        run.summary["best"] = 1
        run.finish()
    """
    assert loaded_after(code, {**os.environ, "CAIRN_ROOT": isolated}) == []
