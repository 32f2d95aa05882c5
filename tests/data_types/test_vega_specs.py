"""The Vega-Lite specs embedded in custom charts compile and render with the UI's own vega-lite.

Skipped when node or ``web/node_modules`` (the UI's dependencies) are not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

import cairn as wandb

WEB = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "web")

SCRIPT = """
import fs from 'fs';
const vl = await import('vega-lite');
const vega = await import('vega');
const all = JSON.parse(fs.readFileSync(process.env.SPECS, 'utf8'));
const out = {};
for (const [k, {spec, values}] of Object.entries(all)) {
  try {
    const compiled = vl.compile({...spec, data: {...spec.data, values}, width: 300});
    const view = new vega.View(vega.parse(compiled.spec), {renderer: 'none'});
    await view.runAsync();
    out[k] = (await view.toSVG()).length > 0 ? 'ok' : 'empty';
  } catch (e) { out[k] = 'ERR ' + e.message; }
}
console.log(JSON.stringify(out));
"""


def _charts():
    T = wandb.Table
    return {
        "line": wandb.plot.line(T(columns=["x", "y", "s"], data=[[1, 2, "a"], [2, 3, "b"]]), "x", "y", stroke="s"),
        "scatter": wandb.plot.scatter(T(columns=["a.b", "y"], data=[[1, 2], [2, 3]]), "a.b", "y"),
        "bar": wandb.plot.bar(T(columns=["l", "v"], data=[["a", 1], ["b", 2]]), "l", "v"),
        "histogram": wandb.plot.histogram(T(columns=["v"], data=[[1.0], [2.0], [2.5]]), "v"),
        "line_series": wandb.plot.line_series([0, 1], [[1, 2], [3, 4]]),
        "pr_curve": wandb.plot.pr_curve([0, 1, 1, 0], [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6], [0.6, 0.4]]),
        "roc_curve": wandb.plot.roc_curve([0, 1, 1, 0], [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6], [0.6, 0.4]]),
        "confusion_matrix": wandb.plot.confusion_matrix(y_true=[0, 1, 1], preds=[0, 1, 0]),
    }


@pytest.mark.skipif(shutil.which("node") is None or not os.path.isdir(os.path.join(WEB, "node_modules", "vega-lite")),
                    reason="node or web/node_modules (vega-lite) not installed")
def test_every_preset_spec_renders(tmp_path):
    specs = {}
    for name, chart in _charts().items():
        cols = [str(c) for c in chart.table.columns]
        specs[name] = {"spec": chart.vega_spec, "values": [dict(zip(cols, r, strict=True)) for r in chart.table.data]}
    path = tmp_path / "specs.json"
    path.write_text(json.dumps(specs))
    proc = subprocess.run(["node", "--input-type=module", "-e", SCRIPT], cwd=WEB, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "SPECS": str(path)})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {k: "ok" for k in specs}
