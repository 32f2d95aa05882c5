"""Value conversion at log time (wandb-semantics R2.11), read back from the run file."""

from __future__ import annotations

import datetime
import enum
import math

import numpy as np
import pytest


def logged(run, disk, value):
    run.log({"v": value})
    run.finish()
    (row,) = disk.rows(run)
    return row["v"]


@pytest.mark.parametrize(
    "value, expected",
    [
        (np.float32(1.5), 1.5),
        (np.int64(7), 7),
        (np.bool_(True), True),
        (np.float64(2.25), 2.25),
    ],
)
def test_r2_11_numpy_scalars_become_python_numbers(run, disk, value, expected):
    out = logged(run, disk, value)
    assert out == expected and type(out) is type(expected)


def test_r2_11_size_one_array_becomes_scalar(run, disk):
    assert logged(run, disk, np.array([[4.0]])) == 4.0


def test_r2_11_array_up_to_32_elements_becomes_nested_list(run, disk):
    assert logged(run, disk, np.ones((2, 3))) == [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]


def test_r2_11_array_of_exactly_32_elements_stays_a_list(run, disk):
    assert logged(run, disk, np.arange(32)) == list(range(32))


def test_r2_11_array_over_32_elements_becomes_32_bin_histogram(run, disk):
    out = logged(run, disk, np.arange(100, dtype=float))
    assert out["_type"] == "histogram"
    assert len(out["values"]) == 32 and len(out["bins"]) == 33
    assert sum(out["values"]) == 100
    assert out["bins"][0] == 0.0 and out["bins"][-1] == 99.0


def test_r2_11_list_tuple_range_become_lists(run, disk):
    run.log({"l": [1, 2], "t": (3, 4), "r": range(3)})
    run.finish()
    (row,) = disk.rows(run)
    assert (row["l"], row["t"], row["r"]) == ([1, 2], [3, 4], [0, 1, 2])


def test_r2_11_set_becomes_list(run, disk):
    assert sorted(logged(run, disk, {3, 1, 2})) == [1, 2, 3]


def test_r2_11_datetime_and_date_become_iso_strings(run, disk):
    run.log({"dt": datetime.datetime(2020, 1, 1), "d": datetime.date(2020, 1, 2)})
    run.finish()
    (row,) = disk.rows(run)
    assert row["dt"] == "2020-01-01T00:00:00" and row["d"] == "2020-01-02"


def test_r2_11_enum_becomes_its_name(run, disk):
    class Color(enum.Enum):
        RED = 1

    assert logged(run, disk, Color.RED) == "RED"


def test_r2_11_bytes_become_utf8_string(run, disk):
    assert logged(run, disk, "héllo".encode()) == "héllo"


def test_r2_11_callable_becomes_module_qualname(run, disk):
    assert logged(run, disk, math.sqrt) == "math.sqrt"


def test_r2_11_nan_and_infinities_round_trip(run, disk):
    run.log({"nan": float("nan"), "inf": float("inf"), "ninf": float("-inf")})
    run.finish()
    (row,) = disk.rows(run)
    assert math.isnan(row["nan"])
    assert row["inf"] == math.inf and row["ninf"] == -math.inf


def test_r2_11_none_is_stored_as_null_in_history(run, disk):
    assert logged(run, disk, None) is None


def test_r2_11_huge_int_is_kept_as_float(run, disk):
    assert logged(run, disk, 1 << 70) == float(1 << 70)


def test_r2_11_nested_values_are_converted_recursively(run, disk):
    out = logged(run, disk, {"a": np.float32(0.5), "b": [np.int8(1), {2}]})
    assert out == {"a": 0.5, "b": [1, [2]]}


def test_r2_11_unserializable_raises_type_error_naming_type_and_key(run, disk):
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable.*'bad'"):
        run.log({"ok": 1, "bad": object()})
    run.finish()
    assert disk.rows(run) == []
