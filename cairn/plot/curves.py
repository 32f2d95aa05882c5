"""Classification curves computed with NumPy alone (no scikit-learn needed).

The definitions match scikit-learn's: thresholds are the distinct scores in decreasing
order; precision = TP/(TP+FP) and recall = TP/P at each threshold, with the point
(recall 0, precision 1) appended; the ROC curve starts at (0, 0) and keeps only the corner
points (collinear intermediate points are dropped).
"""

from __future__ import annotations

from typing import Any


def _cumulative(y_true: Any, scores: Any) -> tuple[Any, Any, Any]:
    """TP and FP counts at each distinct threshold (scores sorted high to low)."""
    import numpy as np

    order = np.argsort(-scores, kind="mergesort")
    s = scores[order]
    y = y_true[order].astype(np.float64)
    last = np.r_[np.nonzero(np.diff(s))[0], y.size - 1]  # last index of each distinct score
    tps = np.cumsum(y)[last]
    fps = (last + 1) - tps
    return tps, fps, s[last]


def precision_recall(y_true: Any, scores: Any) -> tuple[Any, Any]:
    """(precision, recall) arrays, recall decreasing, ending at (precision 1, recall 0)."""
    import numpy as np

    tps, fps, _ = _cumulative(np.asarray(y_true, dtype=bool), np.asarray(scores, dtype=float))
    if tps.size == 0 or tps[-1] == 0:
        return np.array([1.0]), np.array([0.0])
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tps + fps > 0, tps / (tps + fps), 1.0)
    recall = tps / tps[-1]
    stop = int(np.searchsorted(tps, tps[-1])) + 1  # points after full recall add nothing
    return np.r_[precision[:stop][::-1], 1.0], np.r_[recall[:stop][::-1], 0.0]


def roc(y_true: Any, scores: Any) -> tuple[Any, Any]:
    """(fpr, tpr) arrays from (0, 0) to (1, 1)."""
    import numpy as np

    tps, fps, _ = _cumulative(np.asarray(y_true, dtype=bool), np.asarray(scores, dtype=float))
    if tps.size > 2:
        # keep a point only where the curve bends (second difference non-zero)
        keep = np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True]
        tps, fps = tps[keep], fps[keep]
    tps, fps = np.r_[0.0, tps], np.r_[0.0, fps]
    fpr = fps / fps[-1] if fps[-1] > 0 else np.full_like(fps, np.nan)
    tpr = tps / tps[-1] if tps[-1] > 0 else np.full_like(tps, np.nan)
    return fpr, tpr


def interpolated_pr(y_true: Any, scores: Any, interp_size: int = 21) -> tuple[Any, Any]:
    """Precision at ``interp_size`` evenly spaced recall values in [0, 1]."""
    import numpy as np

    precision, recall = precision_recall(y_true, scores)
    grid = np.linspace(0.0, 1.0, interp_size)
    # np.interp needs increasing x: recall was built decreasing
    return np.interp(grid, recall[::-1], precision[::-1]), grid
