"""run.config (wandb-semantics R4.1–R4.10, R1.6, R1.20), checked through CONFIG/RUN records
and files/config.yaml."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os

import numpy as np
import pytest
import yaml

import cairn
from cairn.runlog import format as fmt
from cairn.sdk.lib.config_util import ConfigError


def config_on_disk(disk, run) -> dict:
    """Replay the RUN and CONFIG records: the config a reader of the run file sees."""
    out: dict = {}
    for r in disk.records(run):
        if r.type == fmt.RUN:
            out.update(r.data.get("config") or {})
        elif r.type == fmt.CONFIG:
            out.update(r.data.get("update") or {})
    return out


def new_run(**kw):
    return cairn.init(project="p", settings={"console": "off", "x_disable_stats": True}, **kw)


def test_r4_1_attribute_item_get_and_contains(disk):
    run = new_run(config={"lr": 0.1, "nested": {"a": 1}, "_internal": 1})
    assert run.config.lr == 0.1 and run.config["lr"] == 0.1 and run.config.get("x", 5) == 5
    assert "lr" in run.config and "_internal" in list(run.config)
    assert run.config.keys() == ["lr", "nested"]
    assert dict(run.config.items()) == {"lr": 0.1, "nested": {"a": 1}}
    assert run.config.as_dict() == {"lr": 0.1, "nested": {"a": 1}}
    assert type(run.config.nested) is dict
    with pytest.raises(AttributeError):
        _ = run.config.missing
    with pytest.raises(KeyError):
        run.config["missing"]


def test_r4_2_writes_by_attribute_item_update_reach_disk(run, disk):
    run.config.a = 1
    run.config["b"] = 2
    run.config.update({"c": 3, "d": 4})
    run.finish()
    updates = [r.data["update"] for r in disk.records(run, fmt.CONFIG)]
    assert updates == [{"a": 1}, {"b": 2}, {"c": 3, "d": 4}]  # R4.8: one record per write


def test_r4_2_keys_are_stripped_of_dashes(run, disk):
    run.config.update({"--lr": 0.1, "--dash-key--": 1})
    run.finish()
    assert config_on_disk(disk, run) == {"lr": 0.1, "dash-key": 1}


def test_r4_3_changing_a_value_raises_config_error(run, disk):
    run.config.lr = 0.1
    with pytest.raises(ConfigError, match='Attempted to change value of key "lr" from 0.1 to 0.2'):
        run.config.lr = 0.2
    with pytest.raises(ConfigError):
        run.config["lr"] = 0.2
    with pytest.raises(ConfigError):
        run.config.update({"lr": 0.2})
    run.config.lr = 0.1  # same value: fine
    run.finish()
    assert config_on_disk(disk, run) == {"lr": 0.1}


def test_r4_3_allow_val_change_permits_the_change(run, disk):
    run.config.lr = 0.1
    run.config.update({"lr": 0.2}, allow_val_change=True)
    run.finish()
    assert config_on_disk(disk, run) == {"lr": 0.2}


def test_r4_3_comparison_is_after_conversion(run):
    run.config.t = (1, 2)
    run.config.t = [1, 2]  # same after conversion: no error


def test_r4_4_setdefaults_adds_only_missing_keys(run, disk):
    run.config.a = 1
    run.config.setdefaults({"a": 2, "b": 3})
    run.finish()
    assert config_on_disk(disk, run) == {"a": 1, "b": 3}


def test_r4_4_setdefault_normalises_the_key_before_looking(run):
    run.config.lr = 0.1
    assert run.config.setdefault("--lr", 0.2) == 0.1  # "--lr" is "lr": present, so no change
    assert run.config.setdefault("--wd--", 0.5) == 0.5 and run.config.wd == 0.5


def test_r4_5_argparse_namespace(disk):
    run = new_run(config=argparse.Namespace(lr=0.5, epochs=3))
    run.finish()
    assert config_on_disk(disk, run) == {"lr": 0.5, "epochs": 3}


class FakeAbslFlags:
    """Stands in for absl's FLAGS: only ``flag_values_dict`` matters."""

    def flag_values_dict(self):
        return {"batch": 32, "optimizer": "adam"}


def test_r4_5_absl_like_flags(run, disk):
    run.config.update(FakeAbslFlags())
    run.finish()
    assert config_on_disk(disk, run) == {"batch": 32, "optimizer": "adam"}


def test_r4_5_dataclass_instance(run, disk):
    @dataclasses.dataclass
    class Hp:
        lr: float = 0.1
        layers: tuple = (1, 2)

    run.config.update(Hp())
    run.finish()
    assert config_on_disk(disk, run) == {"lr": 0.1, "layers": [1, 2]}


def test_r4_5_yaml_path_in_wrapped_form(tmp_path, disk):
    p = tmp_path / "cfg.yaml"
    p.write_text("wandb_version: 1\nlr:\n  desc: learning rate\n  value: 0.01\nbatch:\n  value: 8\n")
    run = new_run(config=str(p))
    run.finish()
    assert config_on_disk(disk, run) == {"lr": 0.01, "batch": 8}


def test_r4_5_unsupported_object_raises_type_error(run):
    with pytest.raises(TypeError, match="config must be a dict or have a __dict__ attribute"):
        run.config.update([1, 2])


def test_r4_6_value_conversions(run, disk):
    def fn():
        pass

    run.config.update({
        "np": np.float32(0.5), "arr": np.arange(40), "tup": (1, 2), "set": {3},
        "sl": slice(1, 5, 2), "when": datetime.date(2020, 1, 2), "fn": fn, "obj": object,
    })
    run.finish()
    cfg = config_on_disk(disk, run)
    assert cfg["np"] == 0.5 and cfg["arr"] == list(range(40)) and cfg["tup"] == [1, 2]
    assert cfg["set"] == [3] and cfg["sl"] == {"slice_start": 1, "slice_step": 2, "slice_stop": 5}
    assert cfg["when"] == "2020-01-02" and cfg["fn"].endswith("fn") and isinstance(cfg["obj"], str)


def test_r4_7_deletion_raises_attribute_error(run):
    run.config.a = 1
    with pytest.raises(AttributeError):
        del run.config.a
    with pytest.raises(AttributeError):
        del run.config["a"]


def test_r1_6_config_include_keys(disk):
    run = new_run(config={"a": 1, "b": 2, "c": 3}, config_include_keys=["a"])
    run.finish()
    assert config_on_disk(disk, run) == {"a": 1}


def test_r1_6_config_exclude_keys(disk):
    run = new_run(config={"a": 1, "b": 2, "c": 3}, config_exclude_keys=["b"])
    run.finish()
    assert config_on_disk(disk, run) == {"a": 1, "c": 3}


def test_r1_6_include_and_exclude_together_raise_usage_error():
    with pytest.raises(cairn.UsageError):
        new_run(config={"a": 1}, config_include_keys=["a"], config_exclude_keys=["b"])


def test_r1_20_config_defaults_yaml_is_loaded_first(tmp_path, disk):
    (tmp_path / "config-defaults.yaml").write_text("d:\n  value: 4\nb:\n  value: 2\n")
    run = new_run(config={"e": 1, "b": 2})
    run.finish()
    assert config_on_disk(disk, run) == {"d": 4, "b": 2, "e": 1}


def test_r1_20_wandb_config_paths_are_merged(tmp_path, monkeypatch, disk):
    (tmp_path / "c1.yaml").write_text("b:\n  value: 2\n")
    (tmp_path / "c2.yaml").write_text("a:\n  value: 1\nb:\n  value: 3\n")
    monkeypatch.setenv("WANDB_CONFIG_PATHS", "c1.yaml,c2.yaml")
    run = new_run(config={"e": 1})
    run.finish()
    assert config_on_disk(disk, run) == {"b": 3, "a": 1, "e": 1}


def test_r1_20_config_file_with_unknown_version_raises_config_error(tmp_path):
    (tmp_path / "bad.yaml").write_text("wandb_version: 2\na:\n  value: 1\n")
    with pytest.raises(ConfigError, match="wandb_version"):
        new_run(config="bad.yaml")


def test_r4_10_config_yaml_wraps_every_value(run):
    run.config.update({"lr": 0.1, "nested": {"a": 1}})
    run.finish()
    with open(os.path.join(run.dir, "config.yaml")) as f:
        data = yaml.safe_load(f)
    assert data["lr"] == {"value": 0.1} and data["nested"] == {"value": {"a": 1}}


def test_r4_7_in_place_change_of_a_nested_value_is_not_persisted(disk):
    run = new_run(config={"nested": {"a": 1}})
    run.config.update({"other": {"b": 1}})
    run.config.nested["a"] = 2  # changes the local object only
    run.config.other["b"] = 2
    run.finish()
    assert config_on_disk(disk, run) == {"nested": {"a": 1}, "other": {"b": 1}}
    assert run.config.nested == {"a": 2}
