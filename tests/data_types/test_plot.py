"""Custom charts (R6.16): the K_table history key, the panel config, the Vega-Lite spec, the curves."""

from __future__ import annotations

import numpy as np
import pytest

import cairn as wandb
from cairn.plot import curves


def _log_chart(logged, key, chart):
    logged.run.log({key: chart})
    logged.run.finish(quiet=True)
    row = logged.rows()[0]
    return row, logged.config()["_wandb"]["visualize"]


def test_line_chart_table_under_key_table(logged):
    t = wandb.Table(columns=["x", "y"], data=[[1, 2], [2, 4]])
    row, vis = _log_chart(logged, "ln", wandb.plot.line(t, "x", "y", title="T"))
    assert "ln" not in row
    d = row["ln_table"]
    assert d["_type"] == "table-file" and d["path"].startswith("media/table/ln_table_0_")
    assert logged.json_file(d["path"]) == {"columns": ["x", "y"], "data": [[1, 2], [2, 4]]}
    pc = vis["ln"]["panel_config"]
    assert vis["ln"]["panel_type"] == "Vega2"
    assert pc["panelDefId"] == "wandb/line/v0"
    assert pc["fieldSettings"] == {"x": "x", "y": "y", "stroke": None}
    assert pc["stringSettings"] == {"title": "T"}
    assert pc["transform"] == {"name": "tableWithLeafColNames"}
    fields = pc["userQuery"]["queryFields"][0]["fields"]
    assert {"name": "summaryTable", "args": [{"name": "tableKey", "value": "ln_table"}], "fields": []} in fields


def test_vega_lite_spec_embedded(logged):
    t = wandb.Table(columns=["a.b", "y"], data=[[1, 2]])
    _, vis = _log_chart(logged, "sc", wandb.plot.scatter(t, "a.b", "y"))
    spec = vis["sc"]["vega_spec"]
    assert spec["$schema"].endswith("vega-lite/v5.json") and spec["data"] == {"name": "wandb"}
    assert spec["mark"]["type"] == "point" and spec["encoding"]["x"]["field"] == "a\\.b"


def test_split_table_key(logged):
    t = wandb.Table(columns=["l", "v"], data=[["a", 1]])
    row, vis = _log_chart(logged, "b", wandb.plot.bar(t, "l", "v", split_table=True))
    assert "Custom Chart Tables/b_table" in row
    assert row["Custom Chart Tables/b_table"]["path"].startswith("media/table/Custom Chart Tables/b_table_0_")


@pytest.mark.parametrize("make,spec_id", [
    (lambda t: wandb.plot.histogram(t, "v"), "wandb/histogram/v0"),
    (lambda t: wandb.plot.bar(t, "l", "v"), "wandb/bar/v0"),
    (lambda t: wandb.plot_table("wandb/line/v0", t, {"x": "v", "y": "v"}), "wandb/line/v0"),
])
def test_presets_have_specs(make, spec_id):
    chart = make(wandb.Table(columns=["l", "v"], data=[["a", 1.0]]))
    assert chart.spec_id == spec_id and chart.vega_spec is not None


def test_unknown_spec_id_has_no_vega_spec():
    assert wandb.plot_table("me/custom", wandb.Table(columns=["a"]), {"x": "a"}).vega_spec is None


def test_missing_column_value_error():
    with pytest.raises(ValueError, match="not in table columns"):
        wandb.plot.line(wandb.Table(columns=["x"]), "x", "nope")


def test_line_series_table(logged):
    chart = wandb.plot.line_series([0, 1], [[1, 2], [3, 4]], keys=["a", "b"], xname="epoch")
    row, vis = _log_chart(logged, "ls", chart)
    body = logged.json_file(row["ls_table"]["path"])
    assert body == {"columns": ["step", "lineKey", "lineVal"], "data": [[0, "a", 1], [1, "a", 2], [0, "b", 3], [1, "b", 4]]}
    assert vis["ls"]["panel_config"]["stringSettings"]["xname"] == "epoch"


def test_line_series_length_mismatch_value_error():
    with pytest.raises(ValueError):
        wandb.plot.line_series([0, 1, 2], [[1, 2]])


def test_confusion_matrix_counts():
    cm = wandb.plot.confusion_matrix(y_true=[0, 1, 1, 2], preds=[0, 1, 2, 2], class_names=["a", "b", "c"])
    assert cm.table.columns == ["Actual", "Predicted", "nPredictions"]
    counts = {(a, p): n for a, p, n in cm.table.data}
    assert counts[("b", "c")] == 1 and counts[("c", "c")] == 1 and counts[("a", "b")] == 0
    assert sum(counts.values()) == 4 and cm.spec_id == "wandb/confusion_matrix/v1"


def test_confusion_matrix_from_probs_and_default_names():
    cm = wandb.plot.confusion_matrix(probs=np.array([[0.9, 0.1], [0.2, 0.8]]), y_true=[0, 0])
    assert {r[0] for r in cm.table.data} == {"Class_1", "Class_2"}


def test_confusion_matrix_needs_one_of_probs_preds():
    with pytest.raises(ValueError):
        wandb.plot.confusion_matrix(y_true=[0])


def test_precision_recall_matches_definition():
    precision, recall = curves.precision_recall([1, 0, 1, 0, 0], [0.9, 0.8, 0.7, 0.3, 0.2])
    assert precision.tolist() == pytest.approx([2 / 3, 0.5, 1.0, 1.0])
    assert recall.tolist() == [1.0, 0.5, 0.5, 0.0]


def test_roc_matches_definition():
    fpr, tpr = curves.roc([1, 0, 1, 0, 0], [0.9, 0.8, 0.7, 0.3, 0.2])
    assert fpr.tolist() == pytest.approx([0, 0, 1 / 3, 1 / 3, 1])
    assert tpr.tolist() == [0, 0.5, 0.5, 1, 1]


def test_pr_curve_interp_size_and_classes_to_plot():
    y = [0, 1, 1, 0]
    p = [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6], [0.6, 0.4]]
    chart = wandb.plot.pr_curve(y, p, labels=["neg", "pos"], classes_to_plot=[1], interp_size=5)
    assert chart.table.data == [["pos", 1.0, 0.0], ["pos", 1.0, 0.25], ["pos", 1.0, 0.5], ["pos", 1.0, 0.75],
                                ["pos", 1.0, 1.0]]


def test_roc_curve_table(logged):
    chart = wandb.plot.roc_curve([0, 1, 1, 0], [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6], [0.6, 0.4]])
    row, vis = _log_chart(logged, "roc", chart)
    body = logged.json_file(row["roc_table"]["path"])
    assert body["columns"] == ["class", "fpr", "tpr"]
    assert vis["roc"]["panel_config"]["fieldSettings"] == {"x": "fpr", "y": "tpr", "class": "class"}


def test_pr_curve_bad_shapes_value_error():
    with pytest.raises(ValueError, match="y_probas"):
        wandb.plot.pr_curve([0, 1], [[0.5, 0.5]])


def test_run_plot_table_static(run):
    chart = wandb.Run.plot_table("wandb/bar/v0", wandb.Table(columns=["l", "v"]), {"label": "l", "value": "v"})
    assert chart.spec_id == "wandb/bar/v0"


def test_int_column_names_give_a_spec(logged):
    t = wandb.Table(columns=[0, 1], data=[[1, 2]])
    _, vis = _log_chart(logged, "ic", wandb.plot.line(t, 0, 1))
    x = vis["ic"]["vega_spec"]["encoding"]["x"]
    assert (x["field"], x["title"]) == ("0", "0")
