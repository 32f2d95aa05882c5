"""Console capture (OUTPUT records, files/output.log) and the system-metrics sampler (STATS
records), both started by init and stopped by finish."""

from __future__ import annotations

import os
import sys
import time

import cairn
from cairn.runlog import format as fmt
from cairn.sdk import sysstats


def output_lines(disk, run, stream=None):
    out = []
    for r in disk.records(run, fmt.OUTPUT):
        if stream is None or r.data["stream"] == stream:
            assert len(r.data["lines"]) == len(r.data["times"])
            out.extend(r.data["lines"])
    return out


def test_console_lines_are_recorded_and_still_printed(disk, capsys):
    before = sys.stdout
    run = cairn.init(project="p", settings={"x_disable_stats": True})
    print("hello")
    print("to stderr", file=sys.stderr)
    sys.stdout.write("no newline at the end")
    run.finish()
    assert sys.stdout is before
    assert output_lines(disk, run, "stdout") == ["hello", "no newline at the end"]
    assert output_lines(disk, run, "stderr") == ["to stderr"]
    seen = capsys.readouterr()
    assert "hello" in seen.out and "to stderr" in seen.err
    with open(os.path.join(run.dir, "output.log")) as f:
        assert f.read().splitlines() == ["hello", "to stderr", "no newline at the end"]


def test_console_carriage_return_keeps_the_final_state_of_a_line(disk):
    run = cairn.init(project="p", settings={"x_disable_stats": True})
    for i in range(0, 101, 10):
        sys.stderr.write(f"\rprogress {i}%")
    sys.stderr.write("\n")
    sys.stderr.write("a\rb\rc\r")
    run.finish()
    assert output_lines(disk, run, "stderr") == ["progress 100%", "c"]


def test_console_lines_are_flushed_while_running(disk):
    run = cairn.init(project="p", settings={"x_disable_stats": True, "x_console_flush_interval": 0.05})
    print("early")
    deadline = time.time() + 5
    while time.time() < deadline and not output_lines(disk, run):
        time.sleep(0.05)
    assert output_lines(disk, run) == ["early"]


def test_console_off_records_nothing(disk):
    before = sys.stdout
    run = cairn.init(project="p", settings={"console": "off", "x_disable_stats": True})
    assert sys.stdout is before
    print("hello")
    run.finish()
    assert disk.records(run, fmt.OUTPUT) == []
    assert not os.path.exists(os.path.join(run.dir, "output.log"))


def test_system_metrics_are_sampled_at_the_interval(disk):
    run = cairn.init(project="p", settings={"console": "off", "x_stats_sampling_interval": 0.05})
    deadline = time.time() + 5
    while time.time() < deadline and len(disk.records(run, fmt.STATS)) < 2:
        time.sleep(0.05)
    run.finish()
    stats = disk.records(run, fmt.STATS)
    assert len(stats) >= 2
    v = stats[0].data["values"]
    assert {"cpu", "memory", "proc.memory.rssMB", "proc.cpu.threads", "network.sent"} <= set(v)
    assert v["proc.memory.rssMB"] > 1 and 0 <= v["memory"] <= 100
    assert stats[0].data["time"] >= run.start_time


def test_system_metrics_disabled(disk):
    run = cairn.init(project="p", settings={"console": "off", "x_disable_stats": True,
                                            "x_stats_sampling_interval": 0.05})
    time.sleep(0.3)
    run.finish()
    assert disk.records(run, fmt.STATS) == []


def test_system_metrics_default_interval_is_ten_seconds(disk):
    run = cairn.init(project="p", settings={"console": "off"})
    assert run.settings.x_stats_sampling_interval == 10.0
    run.finish()
    assert disk.records(run, fmt.STATS) == []  # a run shorter than one interval has no sample


def test_gpu_values_parse_nvidia_smi_output(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "nvidia-smi"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho '87, 40, 1024, 4096, 65, 250.5'\necho '0, 0, 0, 4096, 30, [N/A]'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    v = sysstats.gpu_values()
    assert v["gpu.0.gpu"] == 87 and v["gpu.0.memoryAllocated"] == 25.0 and v["gpu.0.powerWatts"] == 250.5
    assert v["gpu.0.memoryAllocatedBytes"] == 1024 * 2**20 and v["gpu.1.temp"] == 30
    assert "gpu.1.powerWatts" not in v


def test_gpu_values_empty_without_nvidia_smi(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert sysstats.gpu_values() == {}


def test_console_and_stats_switched_off_by_environment(disk, monkeypatch):
    monkeypatch.setenv("WANDB_CONSOLE", "off")
    monkeypatch.setenv("CAIRN_X_DISABLE_STATS", "true")
    monkeypatch.setenv("CAIRN_X_STATS_SAMPLING_INTERVAL", "0.05")
    before = sys.stdout
    run = cairn.init(project="p")
    assert sys.stdout is before
    print("not captured")
    time.sleep(0.3)
    run.finish()
    assert disk.records(run, fmt.OUTPUT) == [] and disk.records(run, fmt.STATS) == []


def test_environment_metadata_is_recorded_in_the_background(disk):
    run = cairn.init(project="p", settings={"console": "off", "x_disable_stats": True})
    deadline = time.time() + 20
    while time.time() < deadline and not disk.records(run, fmt.TELEMETRY):
        time.sleep(0.05)
    meta = disk.one(run, fmt.TELEMETRY)
    assert meta["python"] == sys.version.split()[0] and meta["host"] and "requirements" in meta
    deadline = time.time() + 5
    while time.time() < deadline and not os.path.exists(os.path.join(run.dir, "requirements.txt")):
        time.sleep(0.05)  # written last, after wandb-metadata.json
    assert os.path.exists(os.path.join(run.dir, "wandb-metadata.json"))
