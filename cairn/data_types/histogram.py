"""``Histogram``: counts over bins, stored inline in the history row (R6.7).

No file is written: the descriptor is ``{"_type": "histogram", "values": [counts],
"bins": [edges]}``. NaN and infinite input values are dropped before binning, because a
single NaN would otherwise make NumPy's automatic range fail.
"""

from __future__ import annotations

from typing import Any

from cairn.data_types import base, pixels

MAX_LENGTH = 512


class Histogram(base.Media):
    """A histogram to log.

    Arguments:
        sequence: values to bin (any array-like or tensor; flattened).
        np_histogram: a precomputed ``(counts, bin_edges)`` pair, as ``numpy.histogram``
            returns.
        num_bins: number of bins for ``sequence`` (default 64, at most 512).

    Raises ``ValueError`` for more than 512 bins, ``len(bins) != len(values) + 1``, an empty
    (or all-NaN) sequence, or when neither input is given.
    """

    MAX_LENGTH = MAX_LENGTH
    _log_type = "histogram"

    def __init__(self, sequence: Any = None, np_histogram: Any = None, num_bins: int = 64) -> None:
        import numpy as np

        if np_histogram is not None:
            if len(np_histogram) != 2:
                raise ValueError("Expected np_histogram to be a tuple of (values, bin_edges)")
            values = np.asarray(np_histogram[0]).ravel().tolist()
            bins = np.asarray(np_histogram[1], dtype=float).ravel().tolist()
        elif sequence is not None:
            if isinstance(num_bins, bool) or not isinstance(num_bins, int) or num_bins < 1:
                raise ValueError(f"num_bins must be a positive int, got {num_bins!r}")
            if num_bins > MAX_LENGTH:
                raise ValueError(f"The maximum length of a histogram is {MAX_LENGTH}")
            a = pixels.tensor_to_numpy(sequence) if pixels.is_tensor(sequence) else np.asarray(sequence)
            if a.dtype.kind not in "biuf":
                raise TypeError(f"Histogram values must be numbers, got dtype {a.dtype}")
            counts, edges = _bin(a.ravel(), num_bins)
            values, bins = counts.tolist(), edges.tolist()
        else:
            raise ValueError("Histogram needs a sequence or np_histogram")
        if len(values) > MAX_LENGTH:
            raise ValueError(f"The maximum length of a histogram is {MAX_LENGTH}")
        if len(bins) != len(values) + 1:
            raise ValueError(
                f"len(bins) must be len(values) + 1 (got {len(bins)} bins for {len(values)} values)"
            )
        self.histogram = values
        self.bins = bins

    def to_json(self, run: Any = None, key: str = "", summary: bool = False) -> dict:
        """The inline descriptor; nothing is written to files."""
        return {"_type": "histogram", "values": self.histogram, "bins": self.bins}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Histogram):
            return NotImplemented
        return self.histogram == other.histogram and self.bins == other.bins

    __hash__ = None  # type: ignore[assignment]


def _bin(a: Any, num_bins: int) -> tuple[Any, Any]:
    import numpy as np

    if a.size:
        try:
            # the common case pays no extra pass: NumPy itself rejects a non-finite range
            return np.histogram(a, bins=num_bins)
        except ValueError:
            if a.dtype.kind != "f":
                raise
        a = a[np.isfinite(a)]
    if a.size == 0:
        raise ValueError("Histogram needs at least one finite value (got an empty sequence)")
    return np.histogram(a, bins=num_bins)
