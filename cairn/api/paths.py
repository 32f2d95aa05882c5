"""Parsing the path strings ``cairn.Api`` accepts, in wandb's grammar (R9.2).

A run path is ``run_id``, ``project/run_id``, ``entity/project/run_id``,
``entity/project/runs/run_id`` or ``entity/project:run_id`` (each may carry a leading or
trailing ``/``). A project path is ``project`` or ``entity/project``. Pure string work: no I/O.
"""

from __future__ import annotations

from typing import NamedTuple


class RunPath(NamedTuple):
    entity: str | None
    project: str | None
    run_id: str


class ProjectPath(NamedTuple):
    entity: str | None
    project: str | None


def parse_run_path(path: str) -> RunPath:
    """Split a run path into ``(entity, project, run_id)``; missing parts are ``None``.

    Raises ``ValueError`` naming the path when it is empty or has too many parts.
    """
    if not isinstance(path, str) or not path.strip("/ "):
        raise ValueError(f"Invalid run path {path!r}: expected 'project/run_id' or "
                         "'entity/project/run_id'")
    text = path.strip().strip("/")
    if ":" in text:  # entity/project:run_id
        head, _, run_id = text.rpartition(":")
        ent, proj = _split_project(head)
        return RunPath(ent, proj, run_id)
    parts = text.split("/")
    if len(parts) == 4 and parts[2] == "runs":
        parts = [parts[0], parts[1], parts[3]]
    if len(parts) == 1:
        return RunPath(None, None, parts[0])
    if len(parts) == 2:
        return RunPath(None, parts[0] or None, parts[1])
    if len(parts) == 3:
        return RunPath(parts[0] or None, parts[1] or None, parts[2])
    raise ValueError(f"Invalid run path {path!r}: expected 'project/run_id', "
                     "'entity/project/run_id' or 'entity/project/runs/run_id'")


def parse_project_path(path: str | None) -> ProjectPath:
    """Split ``project`` or ``entity/project`` into ``(entity, project)``.

    ``None`` or ``""`` gives ``(None, None)`` (every project). Raises ``ValueError`` for a
    path with more than two parts.
    """
    if path is None or not path.strip("/ "):
        return ProjectPath(None, None)
    return ProjectPath(*_split_project(path.strip().strip("/")))


def _split_project(text: str) -> tuple[str | None, str | None]:
    parts = text.split("/")
    if len(parts) == 1:
        return None, parts[0] or None
    if len(parts) == 2:
        return parts[0] or None, parts[1] or None
    raise ValueError(f"Invalid project path {text!r}: expected 'project' or 'entity/project'")
