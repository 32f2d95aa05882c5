"""cairn.init (wandb-semantics R1.1–R1.19): parameters, environment precedence, modes, ids,
names, second init / reinit, settings; checked on the RUN record and run attributes."""

from __future__ import annotations

import os
import random
import re

import pytest

import cairn
from cairn.runlog import format as fmt

QUIET = {"console": "off", "x_disable_stats": True}


def init(**kw):
    settings = kw.pop("settings", None) or {}
    if isinstance(settings, dict):
        settings = {**QUIET, **settings}
    return cairn.init(settings=settings, **kw)


def run_record(disk, run) -> dict:
    return disk.records(run, fmt.RUN)[0].data


def test_r1_parameters_reach_the_run_record(disk):
    run = init(project="proj", entity="ent", name="nm", notes="nts", tags=["a", "b"], group="g",
               job_type="train", config={"x": 1})
    run.finish()
    rec = run_record(disk, run)
    assert (rec["project"], rec["entity"], rec["name"], rec["notes"]) == ("proj", "ent", "nm", "nts")
    assert (rec["tags"], rec["group"], rec["job_type"]) == (["a", "b"], "g", "train")
    assert rec["config"] == {"x": 1} and rec["id"] == run.id
    assert rec["host"] and rec["pid"] == os.getpid() and rec["start_time"] == run.start_time


def test_r1_1_default_project_is_uncategorized_outside_git(disk):
    run = init()
    assert run.project == "uncategorized"


def test_r1_1_default_project_is_git_repo_name(tmp_path, monkeypatch):
    repo = tmp_path / "myrepo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    assert init().project == "myrepo"


def test_r1_2_entity_is_empty_string_by_default():
    assert init().entity == ""


def test_r1_3_generated_id_is_8_chars_of_a_z_0_9():
    ids = set()
    for _ in range(5):
        r = init()
        assert re.fullmatch(r"[a-z0-9]{8}", r.id)
        ids.add(r.id)
        r.finish()
    assert len(ids) == 5


def test_r1_3_id_generation_is_unaffected_by_random_seed():
    random.seed(0)
    a = init()
    a.finish()
    random.seed(0)
    b = init()
    assert a.id != b.id


@pytest.mark.parametrize("bad", ["", "   ", "a/b", "a b", "x:y", "a?b", "a#b", "a,b", "a;b", "it's", "..", 5])
def test_r1_3_invalid_ids_raise_usage_error(bad):
    with pytest.raises(cairn.UsageError, match="Invalid run id"):
        init(id=bad)


def test_r1_3_explicit_id_is_used(disk):
    run = init(id="my-run_1")
    run.finish()
    assert run.id == "my-run_1" and os.path.exists(disk.path("my-run_1"))


def test_r1_4_generated_name_is_adjective_noun_sequence(isolated):
    names = []
    for _ in range(3):
        r = init()
        names.append(r.name)
        r.finish()
    for i, n in enumerate(names, start=1):
        assert re.fullmatch(rf"[a-z]+-[a-z]+-{i}", n), names


def test_r1_5_unset_group_job_type_notes_read_back_empty_and_tags_tuple():
    run = init(tags=["a", "b"])
    assert (run.group, run.job_type, run.notes) == ("", "", "")
    assert run.tags == ("a", "b")


def test_r1_7_dir_names_the_parent_of_the_root(tmp_path, monkeypatch, disk):
    monkeypatch.delenv("CAIRN_ROOT")
    run = init(dir=str(tmp_path / "base"))
    run.finish()
    assert os.path.exists(os.path.join(tmp_path, "base", "cairn-data", "runs", run.id, "run.cairn"))
    assert run.dir == os.path.join(tmp_path, "base", "cairn-data", "runs", run.id, "files")


def test_r1_7_unwritable_dir_falls_back_to_temp(tmp_path, monkeypatch):
    monkeypatch.delenv("CAIRN_ROOT")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    run = init(dir=str(blocker))
    assert run.dir.startswith(os.path.join(__import__("tempfile").gettempdir(), "cairn-data"))


@pytest.mark.parametrize("mode", ["online", "offline", "dryrun", "run", "shared"])
def test_r1_8_modes_are_accepted(mode, disk):
    run = init(mode=mode)
    assert run.settings.mode == mode
    run.log({"a": 1})
    run.finish()
    assert disk.user_rows(run) == [{"_step": 0, "a": 1}]


def test_r1_8_offline_aliases():
    run = init(mode="dryrun")
    assert run.offline is True and run.mode == "dryrun"


def test_r1_8_invalid_mode_raises_usage_error_listing_allowed():
    with pytest.raises(cairn.UsageError, match="online, offline, disabled"):
        init(mode="bogus")


def test_r1_12_settings_object_and_kwargs_precedence():
    run = init(project="b", name="n", settings=cairn.Settings(project="a", run_name="s", **QUIET))
    assert (run.project, run.name) == ("b", "n")
    run.finish()
    run = init(settings=cairn.Settings(project="a", run_name="s", **QUIET))
    assert (run.project, run.name) == ("a", "s")


def test_r1_12_settings_dict_is_accepted():
    run = init(settings={"project": "a", "run_name": "s"})
    assert (run.project, run.name) == ("a", "s")


def test_r1_12_run_settings_is_a_frozen_copy():
    run = init()
    with pytest.raises(TypeError, match="Please use update"):
        run.settings.project = "x"
    with pytest.raises(TypeError):
        run.settings.update({"project": "x"})


def test_r1_13_environment_values_are_used(monkeypatch, disk):
    for k, v in {"WANDB_PROJECT": "envproj", "WANDB_NAME": "envname", "WANDB_NOTES": "nn",
                 "WANDB_TAGS": "t1, t2", "WANDB_RUN_GROUP": "gg", "WANDB_JOB_TYPE": "jj",
                 "WANDB_ENTITY": "ee", "WANDB_RUN_ID": "envid"}.items():
        monkeypatch.setenv(k, v)
    run = init()
    assert (run.project, run.name, run.notes, run.group, run.job_type) == ("envproj", "envname", "nn", "gg", "jj")
    assert run.tags == ("t1", "t2") and run.entity == "ee" and run.id == "envid"


def test_r1_13_precedence_kwargs_over_settings_over_cairn_over_wandb(monkeypatch):
    monkeypatch.setenv("WANDB_PROJECT", "w")
    assert init().project == "w"
    cairn.finish()
    monkeypatch.setenv("CAIRN_PROJECT", "c")
    assert init().project == "c"
    cairn.finish()
    assert init(settings={"project": "s"}).project == "s"
    cairn.finish()
    assert init(project="k", settings={"project": "s"}).project == "k"


def test_r1_14_wandb_mode_disabled_from_environment(monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "disabled")
    assert init().disabled is True


def test_r1_14_wandb_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("CAIRN_ROOT")
    monkeypatch.setenv("WANDB_DIR", str(tmp_path / "wd"))
    run = init()
    assert run.dir.startswith(os.path.join(str(tmp_path / "wd"), "cairn-data"))


def test_r1_16_second_init_returns_the_same_run_and_ignores_arguments():
    a = init(project="one")
    b = init(project="two", config={"x": 1})
    assert a is b and b.project == "one" and "x" not in b.config


def test_r1_16_reinit_finishes_the_previous_run(disk):
    a = init()
    a.log({"x": 1}, commit=False)
    b = init(reinit=True)
    assert a is not b and cairn.run is b
    assert disk.exit_code(a) == 0 and disk.user_rows(a) == [{"_step": 0, "x": 1}]


def test_r1_19_attribute_types():
    run = init(project="p", tags=("x",), name="nm")
    assert isinstance(run.id, str) and isinstance(run.name, str) and isinstance(run.tags, tuple)
    assert isinstance(run.start_time, float) and isinstance(run.step, int)
    assert run.starting_step == 0 and run.resumed is False and run.sweep_id is None
    assert run.path == f"p/{run.id}" and run.url is None and run.offline is False
    assert run.disabled is False and run.mode == "run" and run.project_name() == "p"
    assert os.path.isdir(run.dir) and isinstance(run.config, cairn.sdk.config.Config)


def test_r1_19_path_includes_entity_when_set():
    run = init(project="p", entity="e")
    assert run.path == f"e/p/{run.id}"


def test_r1_19_setting_name_notes_tags_records_run_update(disk):
    run = init(project="p")
    run.name = "new"
    run.notes = "note"
    run.tags = ["a", "b"]
    assert run.tags == ("a", "b")
    run.finish()
    ups = [r.data for r in disk.records(run, fmt.RUN_UPDATE)]
    assert {"name": "new"} in ups and {"notes": "note"} in ups and {"tags": ["a", "b"]} in ups


def test_r1_11_save_code_copies_the_program(tmp_path, monkeypatch):
    prog = tmp_path / "train.py"
    prog.write_text("print('hi')\n")
    monkeypatch.setattr("sys.argv", [str(prog)])
    run = init(save_code=True)
    assert (open(os.path.join(run.dir, "code", "train.py")).read()) == "print('hi')\n"


def test_unused_init_arguments_are_accepted():
    run = init(magic=True, anonymous="allow", force=False, tensorboard=False, sync_tensorboard=False,
               monitor_gym=False, allow_val_change=True)
    assert run.id


def test_r1_5_a_single_string_tag_becomes_a_one_tuple():
    assert init(tags="solo").tags == ("solo",)


def test_r1_19_display_name_and_config_static():
    run = init(name="nm", config={"lr": 0.1})
    assert run.display_name == "nm" and run.config_static.lr == 0.1


def test_r1_7_dir_argument_beats_cairn_root(tmp_path):
    run = init(dir=str(tmp_path / "explicit"))
    assert run.dir.startswith(str(tmp_path / "explicit" / "cairn-data"))


def test_r1_13_environment_is_read_at_init_not_import(monkeypatch):
    monkeypatch.setenv("WANDB_PROJECT", "late")
    assert init().project == "late"


def test_init_that_fails_on_its_config_leaves_no_writer_thread(isolated):
    import threading

    from cairn.sdk.errors import ConfigError

    before = sum(t.name == "cairn-writer" for t in threading.enumerate())
    with pytest.raises(ConfigError, match="missing.yaml"):
        cairn.init(project="p", settings={"console": "off", "config_paths": ("missing.yaml",)})
    with pytest.raises(ValueError, match="WBValue"):
        cairn.init(project="p", settings={"console": "off"}, config={"img": cairn.Html("<b>x</b>")})
    assert sum(t.name == "cairn-writer" for t in threading.enumerate()) == before
    assert cairn.run is None
