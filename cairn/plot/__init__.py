"""Chart presets (``cairn.plot.*``, wandb's ``wandb.plot.*``): each builds a Table and a
:class:`~cairn.plot.chart.CustomChart` (R6.16). Curves are computed with NumPy; scikit-learn
is not needed. Bad input raises ``ValueError``/``TypeError`` when the chart is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cairn.data_types.table import Table
from cairn.plot import curves
from cairn.plot.chart import CustomChart, plot_table

__all__ = ["CustomChart", "bar", "confusion_matrix", "histogram", "line", "line_series", "plot_table",
           "pr_curve", "roc_curve", "scatter"]


def _need_columns(table: Any, *cols: Any) -> None:
    if not isinstance(table, Table):
        raise TypeError(f"expected a cairn.Table, got {type(table).__name__}")
    missing = [c for c in cols if c is not None and c not in table.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in table columns {table.columns}")


def line(table: Table, x: str, y: str, stroke: str | None = None, title: str | None = None,
         split_table: bool = False) -> CustomChart:
    """A line chart of column ``y`` against ``x`` (one line per value of ``stroke``)."""
    _need_columns(table, x, y, stroke)
    return plot_table("wandb/line/v0", table, {"x": x, "y": y, "stroke": stroke}, {"title": title or ""},
                      split_table)


def scatter(table: Table, x: str, y: str, title: str | None = None, split_table: bool = False) -> CustomChart:
    """A scatter plot of column ``y`` against ``x``."""
    _need_columns(table, x, y)
    return plot_table("wandb/scatter/v0", table, {"x": x, "y": y}, {"title": title or ""}, split_table)


def bar(table: Table, label: str, value: str, title: str | None = None, split_table: bool = False) -> CustomChart:
    """A bar chart: one bar per ``label`` with length ``value``."""
    _need_columns(table, label, value)
    return plot_table("wandb/bar/v0", table, {"label": label, "value": value}, {"title": title or ""},
                      split_table)


def histogram(table: Table, value: str, title: str | None = None, split_table: bool = False) -> CustomChart:
    """A histogram of column ``value``."""
    _need_columns(table, value)
    return plot_table("wandb/histogram/v0", table, {"value": value}, {"title": title or ""}, split_table)


def line_series(xs: Sequence, ys: Sequence[Sequence], keys: Sequence[str] | None = None,
                title: str | None = None, xname: str | None = None, split_table: bool = False) -> CustomChart:
    """Several lines on one chart. ``xs`` is shared or one sequence per line."""
    ys = [list(_plain(y)) for y in ys]
    xs = list(_plain(xs))
    per_line = bool(xs) and isinstance(xs[0], (list, tuple))
    xss = [list(_plain(x)) for x in xs] if per_line else [xs] * len(ys)
    if len(xss) != len(ys):
        raise ValueError(f"line_series got {len(xss)} x sequences for {len(ys)} lines")
    if keys is None:
        keys = [f"key_{i}" for i in range(len(ys))]
    if len(keys) != len(ys):
        raise ValueError(f"line_series got {len(keys)} keys for {len(ys)} lines")
    data = []
    for k, x, y in zip(keys, xss, ys, strict=True):
        if len(x) != len(y):
            raise ValueError(f"line {k!r}: {len(x)} x values but {len(y)} y values")
        data.extend([xv, k, yv] for xv, yv in zip(x, y, strict=True))
    table = Table(columns=["step", "lineKey", "lineVal"], data=data)
    return plot_table("wandb/lineseries/v0", table, {"step": "step", "lineKey": "lineKey", "lineVal": "lineVal"},
                      {"title": title or "", "xname": xname or "x"}, split_table)


def _plain(v: Any) -> Any:
    return v.tolist() if hasattr(v, "tolist") else v


def _classes(y_true: Any, y_probas: Any, labels: Any, classes_to_plot: Any) -> tuple[Any, Any, list]:
    import numpy as np

    y = np.asarray(_plain(y_true))
    p = np.asarray(_plain(y_probas), dtype=float)
    if y.ndim != 1:
        raise ValueError(f"y_true must be 1-D, got shape {list(y.shape)}")
    if p.ndim == 1:
        p = np.stack([1 - p, p], axis=1)  # binary scores for the positive class
    if p.ndim != 2 or p.shape[0] != y.shape[0]:
        raise ValueError(f"y_probas must have shape (n_samples, n_classes) = ({y.shape[0]}, k), got {list(p.shape)}")
    if not np.isfinite(p).all():
        raise ValueError("y_probas contains NaN or infinite values")
    classes = np.unique(y)
    if p.shape[1] < len(classes):
        raise ValueError(f"y_probas has {p.shape[1]} columns but y_true has {len(classes)} classes")
    chosen = []
    for i, c in enumerate(classes):
        if classes_to_plot is not None and c not in list(classes_to_plot):
            continue
        name = c.item() if hasattr(c, "item") else c
        if labels is not None and isinstance(name, int) and 0 <= name < len(labels):
            name = labels[name]
        chosen.append((i, c, name))
    return y, p, chosen


def pr_curve(y_true: Any = None, y_probas: Any = None, labels: list | None = None, classes_to_plot: list | None = None,
             interp_size: int = 21, title: str | None = None, split_table: bool = False) -> CustomChart:
    """Precision-recall curves, one per class, at ``interp_size`` recall points."""
    y, p, chosen = _classes(y_true, y_probas, labels, classes_to_plot)
    data = []
    for i, c, name in chosen:
        precision, recall = curves.interpolated_pr(y == c, p[:, i], interp_size)
        data.extend([name, round(float(pr), 3), round(float(rc), 3)] for pr, rc in zip(precision, recall, strict=True))
    table = Table(columns=["class", "precision", "recall"], data=data)
    return plot_table("wandb/area-under-curve/v0", table, {"x": "recall", "y": "precision", "class": "class"},
                      {"title": title or "Precision v. Recall", "x-axis-title": "Recall",
                       "y-axis-title": "Precision"}, split_table)


def roc_curve(y_true: Any = None, y_probas: Any = None, labels: list | None = None,
              classes_to_plot: list | None = None, title: str | None = None, split_table: bool = False) -> CustomChart:
    """ROC curves, one per class."""
    y, p, chosen = _classes(y_true, y_probas, labels, classes_to_plot)
    data = []
    for i, c, name in chosen:
        fpr, tpr = curves.roc(y == c, p[:, i])
        data.extend([name, round(float(f), 3), round(float(t), 3)] for f, t in zip(fpr, tpr, strict=True))
    table = Table(columns=["class", "fpr", "tpr"], data=data)
    return plot_table("wandb/area-under-curve/v0", table, {"x": "fpr", "y": "tpr", "class": "class"},
                      {"title": title or "ROC", "x-axis-title": "False positive rate",
                       "y-axis-title": "True positive rate"}, split_table)


def confusion_matrix(probs: Any = None, y_true: Any = None, preds: Any = None, class_names: list | None = None,
                     title: str | None = None, split_table: bool = False) -> CustomChart:
    """Counts of (actual, predicted) pairs. Give ``probs`` (argmax is taken) or ``preds``."""
    import numpy as np

    if (probs is None) == (preds is None):
        raise ValueError("confusion_matrix needs exactly one of probs or preds")
    if y_true is None:
        raise ValueError("confusion_matrix needs y_true")
    if probs is not None:
        preds = np.argmax(np.asarray(_plain(probs)), axis=1).tolist()
    preds, y_true = list(_plain(preds)), list(_plain(y_true))
    if len(preds) != len(y_true):
        raise ValueError(f"preds has {len(preds)} values but y_true has {len(y_true)}")
    if class_names is not None:
        idx = list(range(len(class_names)))
        bad = [v for v in set(preds) | set(y_true) if v not in idx]
        if bad:
            raise ValueError(f"labels {sorted(bad)[:5]} are not indices into class_names ({len(class_names)} names)")
    else:
        idx = sorted(set(preds) | set(y_true))
        class_names = [f"Class_{i + 1}" for i in range(len(idx))]
    pos = {v: i for i, v in enumerate(idx)}
    n = len(idx)
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, ([pos[v] for v in y_true], [pos[v] for v in preds]), 1)
    data = [[class_names[i], class_names[j], int(counts[i, j])] for i in range(n) for j in range(n)]
    table = Table(columns=["Actual", "Predicted", "nPredictions"], data=data)
    return plot_table("wandb/confusion_matrix/v1", table,
                      {"Actual": "Actual", "Predicted": "Predicted", "nPredictions": "nPredictions"},
                      {"title": title or ""}, split_table)
