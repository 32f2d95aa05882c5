"""Histogram (R6.7): inline descriptor, binning rules and errors."""

from __future__ import annotations

import numpy as np
import pytest

import cairn as wandb


def test_sequence_binned_with_numpy_64_bins_by_default(logged):
    data = np.random.default_rng(1).normal(size=1000)
    logged.run.log({"h": wandb.Histogram(data)})
    logged.run.finish(quiet=True)
    counts, edges = np.histogram(data, bins=64)
    assert logged.rows()[0]["h"] == {"_type": "histogram", "values": counts.tolist(), "bins": edges.tolist()}


def test_histogram_writes_no_file(logged):
    logged.run.log({"h": wandb.Histogram([1, 2, 3])})
    logged.run.finish(quiet=True)
    assert logged.files_records() == []


def test_num_bins(run):
    assert len(wandb.Histogram([1, 2, 3], num_bins=5).histogram) == 5


def test_np_histogram_used_as_given():
    h = wandb.Histogram(np_histogram=([1, 2], [0.0, 1.0, 2.0]))
    assert h.to_json() == {"_type": "histogram", "values": [1, 2], "bins": [0.0, 1.0, 2.0]}


def test_more_than_512_bins_rejected():
    with pytest.raises(ValueError, match="maximum length of a histogram is 512"):
        wandb.Histogram([1, 2], num_bins=513)
    with pytest.raises(ValueError, match="512"):
        wandb.Histogram(np_histogram=(list(range(513)), list(range(514))))


def test_bins_must_be_one_longer_than_values():
    with pytest.raises(ValueError, match="len\\(bins\\)"):
        wandb.Histogram(np_histogram=([1, 2], [0.0, 1.0]))


def test_empty_sequence_is_a_clear_value_error():
    with pytest.raises(ValueError, match="empty"):
        wandb.Histogram([])


def test_nan_and_inf_values_dropped():
    h = wandb.Histogram([1.0, np.nan, 2.0, np.inf, -np.inf], num_bins=2)
    assert h.histogram == [1, 1] and h.bins == [1.0, 1.5, 2.0]


def test_histogram_in_summary(logged):
    logged.run.summary["h"] = wandb.Histogram([1, 2], num_bins=2)
    logged.run.finish(quiet=True)
    assert logged.final_summary()["h"] == {"_type": "histogram", "values": [1, 1], "bins": [1.0, 1.5, 2.0]}
