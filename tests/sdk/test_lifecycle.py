"""finish, the context manager and exit hooks (R8.1–R8.3), alerts and the other run methods
(R8.7–R8.12), module-level names before/after init (R1.16), disabled mode (R1.17) and the
compatibility names wandb integrations import."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import textwrap

import pytest

import cairn
from cairn.runlog import format as fmt
from cairn.runlog import reader

QUIET = {"console": "off", "x_disable_stats": True}


def init(**kw):
    return cairn.init(project="p", settings=QUIET, **kw)


# -- finish and exit codes -------------------------------------------------------------------

def test_r8_1_finish_writes_exit_record_with_code_and_runtime(run, disk):
    run.finish(exit_code=3)
    ex = disk.one(run, fmt.EXIT)
    assert ex["exit_code"] == 3 and ex["runtime"] >= 0 and ex["time"] >= run.start_time


def test_r8_1_finish_default_exit_code_is_zero_and_exit_is_last_record(run, disk):
    run.log({"a": 1})
    run.finish()
    recs = disk.records(run)
    assert recs[-1].type == fmt.EXIT and recs[-1].data["exit_code"] == 0


def test_r8_1_join_is_an_alias_of_finish(run, disk):
    run.join(exit_code=2)
    assert disk.exit_code(run) == 2


def test_r8_1_finish_resets_module_globals(run):
    assert cairn.run is run and cairn.config is run.config and cairn.summary is run.summary
    run.finish()
    assert cairn.run is None
    with pytest.raises(cairn.Error):
        cairn.config["x"]


def test_r8_2_context_manager_exits_zero(disk):
    with init() as run:
        run.log({"a": 1})
    assert disk.exit_code(run) == 0 and cairn.run is None


def test_r8_2_context_manager_exception_exits_one_and_propagates(disk, capsys):
    with pytest.raises(ZeroDivisionError):
        with init() as run:
            run.log({"a": 1})
            1 / 0  # noqa: B018
    assert disk.exit_code(run) == 1
    assert disk.user_rows(run) == [{"_step": 0, "a": 1}]
    assert "ZeroDivisionError" in capsys.readouterr().err


def test_r8_2_context_manager_interrupted_exits_one_as_wandb(disk, capsys):
    with pytest.raises(KeyboardInterrupt):
        with init() as run:
            raise KeyboardInterrupt
    assert disk.exit_code(run) == 1


CHILD = textwrap.dedent("""
    import os, sys
    import cairn
    run = cairn.init(project="p", id="child", settings={"console": "off", "x_disable_stats": True})
    run.log({"a": 1}, commit=False)
    how = sys.argv[1]
    if how == "exception":
        raise ValueError("boom")
    if how == "exit5":
        sys.exit(5)
    if how == "interrupt":
        raise KeyboardInterrupt
""")


@pytest.mark.parametrize("how, code", [("normal", 0), ("exception", 1), ("exit5", 5), ("interrupt", 255)])
def test_r8_3_atexit_finishes_the_run_with_the_process_exit_code(tmp_path, isolated, disk, how, code):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "CAIRN_ROOT": isolated}
    subprocess.run([sys.executable, str(script), how], env=env, capture_output=True, timeout=60)
    assert disk.exit_code("child") == code
    assert disk.user_rows("child") == [{"_step": 0, "a": 1}]  # the pending row was flushed


# -- other run methods -----------------------------------------------------------------------

def test_r8_7_alert_record_levels_and_wait_duration_in_ms(run, disk):
    run.alert("t1", "text")
    run.alert("t2", "text", level=cairn.AlertLevel.WARN, wait_duration=2.5)
    run.alert("t3", "text", level="ERROR", wait_duration=datetime.timedelta(minutes=2))
    run.finish()
    alerts = [r.data for r in disk.records(run, fmt.ALERT)]
    assert [(a["title"], a["level"], a["wait_duration"]) for a in alerts] == [
        ("t1", "INFO", 60000), ("t2", "WARN", 2500), ("t3", "ERROR", 120000)]
    assert all(a["text"] == "text" for a in alerts)


def test_r8_7_alert_throttling_per_title_is_recorded(run, disk):
    run.alert("same", "1", wait_duration=60)
    run.alert("same", "2", wait_duration=60)
    run.alert("other", "3", wait_duration=60)
    run.finish()
    assert [a.data["throttled"] for a in disk.records(run, fmt.ALERT)] == [False, True, False]


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"title": "x" * 64, "text": "t"}, "64"),
        ({"title": "", "text": "t"}, "title"),
        ({"title": "t", "text": "t", "level": "DEBUG"}, "level"),
        ({"title": "t", "text": "t", "wait_duration": "1m"}, "wait_duration"),
        ({"title": "t", "text": 5}, "text"),
    ],
)
def test_r8_7_alert_validation(run, kwargs, words):
    with pytest.raises(ValueError, match=words):
        run.alert(**kwargs)


def test_r8_8_mark_preempting_record(run, disk):
    run.mark_preempting()
    run.finish()
    assert disk.one(run, fmt.PREEMPTING)["time"] >= run.start_time


def test_r8_9_status_of_a_local_run(run):
    st = run.status()
    assert st == (0, 0, None) and (st.sync_items_total, st.sync_items_pending, st.sync_time) == (0, 0, None)


def test_r8_10_urls_are_none_for_a_local_run(run):
    assert run.get_url() is None and run.get_project_url() is None and run.get_sweep_url() is None
    assert run.url is None


def test_r8_11_to_html_and_display(run):
    html = run.to_html()
    assert "height:420px" in html and run.id in html
    assert "display:none" in run.to_html(hidden=True)
    assert run.display() is False
    assert run._repr_html_() == html


def test_r8_12_detach_and_project_name(run):
    assert run.detach() is None and run.project_name() == "p"


def test_run_label_compat(run):
    assert run._label(repo="x") == ""


# -- module-level names ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["log", "define_metric", "save", "alert", "mark_preempting", "log_artifact",
                                  "use_artifact", "watch"])
def test_r1_16_module_functions_before_init_raise(name):
    with pytest.raises(cairn.Error, match=rf"You must call cairn.init\(\) before cairn.{name}\(\)"):
        getattr(cairn, name)({})


def test_r1_16_module_config_and_summary_before_init_raise():
    assert cairn.run is None
    with pytest.raises(cairn.Error, match=r"You must call cairn.init\(\) before cairn.config\['x'\]"):
        cairn.config["x"]
    with pytest.raises(cairn.Error, match="before cairn.summary"):
        cairn.summary.x = 1
    cairn.finish()  # no run: a no-op


def test_r1_16_module_functions_are_bound_to_the_run(disk):
    run = init()
    cairn.log({"a": 1})
    cairn.config.update({"lr": 1})
    cairn.summary["best"] = 2
    cairn.define_metric("a", summary="max")
    cairn.finish()
    assert disk.user_rows(run) == [{"_step": 0, "a": 1}]
    assert disk.final_summary(run)["best"] == 2
    with pytest.raises(cairn.Error, match=r"before cairn.log\(\)"):
        cairn.log({"a": 1})


# -- disabled mode ---------------------------------------------------------------------------

def test_r1_17_disabled_mode_writes_nothing(isolated):
    run = cairn.init(mode="disabled", id="given", config={"a": 1}, project="p")
    assert run.disabled is True and run.id != "given" and run.name == "dummy-" + run.id
    assert run.entity == "dummy" and run.project == "" and run.path == f"dummy/dummy/{run.id}"
    assert run.url is None and run.config.a == 1
    run.log({"x": 1})
    run.log({"y": 2}, step=10)
    assert run.step == 0 and run.summary["x"] == 1 and run.summary.y == 2
    assert run.save("x") is False and isinstance(run.define_metric("m"), cairn.sdk.metrics.Metric)
    for meth in ("alert", "log_artifact", "use_artifact", "log_code", "log_model", "use_model", "link_model",
                 "link_artifact", "get_url", "get_project_url", "get_sweep_url", "mark_preempting", "status",
                 "watch", "unwatch", "restore", "plot_table", "upsert_artifact", "finish_artifact"):
        assert getattr(run, meth)("a", "b") is None, meth
    with pytest.raises(AttributeError):
        run.not_a_method  # noqa: B018
    assert isinstance(run, cairn.Run) and cairn.run is run
    run.finish()
    assert cairn.run is None
    assert not os.path.exists(os.path.join(isolated, "runs"))


def test_r1_17_disabled_mode_context_manager():
    with cairn.init(mode="disabled") as run:
        run.log({"a": 1})
    assert cairn.run is None


# -- compatibility names ---------------------------------------------------------------------

def test_compat_names_resolve():
    from cairn.sdk.lib import RunDisabled
    from cairn.sdk.lib.config_util import ConfigError
    from cairn.wandb_run import Run

    assert issubclass(RunDisabled, Run) and Run is cairn.Run
    assert issubclass(ConfigError, cairn.Error) and cairn.errors.UsageError is cairn.UsageError


def test_run_file_lives_under_root(run, isolated):
    run.finish()
    assert os.path.exists(reader.run_file(isolated, run.id))


FORKING = textwrap.dedent("""
    import os, sys
    import cairn
    run = cairn.init(project="p", id="parent", settings={"console": "off", "x_disable_stats": True})
    run.log({"a": 1})
    pid = os.fork()
    if pid == 0:
        sys.exit(7)  # the child's exit hooks must leave the parent's run alone
    os.waitpid(pid, 0)
    run.log({"a": 2})
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_r8_3_forked_child_exit_does_not_finish_the_parents_run(tmp_path, isolated, disk):
    script = tmp_path / "fork.py"
    script.write_text(FORKING)
    subprocess.run([sys.executable, str(script)], env={**os.environ, "CAIRN_ROOT": isolated},
                   capture_output=True, timeout=60)
    assert disk.exit_code("parent") == 0
    assert [r["a"] for r in disk.rows("parent")] == [1, 2]


CHAINED = textwrap.dedent("""
    import sys
    def mine(tp, value, tb):
        open(sys.argv[1], "w").write(tp.__name__)
    sys.excepthook = mine
    import cairn
    cairn.init(project="p", id="chained", settings={"console": "off", "x_disable_stats": True})
    raise RuntimeError("boom")
""")


def test_r8_3_a_previously_installed_excepthook_is_chained(tmp_path, isolated, disk):
    script, marker = tmp_path / "chained.py", tmp_path / "marker.txt"
    script.write_text(CHAINED)
    subprocess.run([sys.executable, str(script), str(marker)], env={**os.environ, "CAIRN_ROOT": isolated},
                   capture_output=True, timeout=60)
    assert marker.read_text() == "RuntimeError"
    assert disk.exit_code("chained") == 1
