"""The ``run_table`` artifact wandb logs next to every logged Table (R6.9 part 2).

Logging a Table under key K also logs the artifact ``run-<run_id>-<K without characters
outside [A-Za-z0-9_]>`` of type ``run_table`` holding ``<K>.table.json`` in the typed table
format (media cells stored inside the artifact), so ``run.logged_artifacts()`` and
``Api().artifact("run-<id>-<K>:latest").get(K)`` work as in wandb. A failure here never
fails the user's ``log``: it is reported once as a warning.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def artifact_name(run_id: str, key: str) -> str:
    return f"run-{run_id}-{_UNSAFE.sub('', key)}"


def log_run_table(run: Any, key: str, table: Any) -> None:
    """Log ``table`` as the run's ``run_table`` artifact for ``key``."""
    if not hasattr(run, "log_artifact"):
        return
    try:
        from cairn.artifacts import Artifact
        from cairn.data_types.artifact_json import table_json
        from cairn.data_types.base import dumps

        art = Artifact(artifact_name(run.id, key), "run_table")
        body = dumps(table_json(table, art))  # one string, one write: cheaper than streaming json.dump
        with art.new_file(f"{key}.table.json", "w", encoding="utf-8") as f:
            f.write(body)
        run.log_artifact(art)
    except Exception as e:  # the history row and table file are already right; this is a copy
        if not run.__dict__.get("_run_table_warned"):
            run.__dict__["_run_table_warned"] = True
            warnings.warn(f"cairn: could not log the run_table artifact for {key!r}: {e!r}", stacklevel=2)
