"""Run-file records of changes to committed versions: ``Artifact.save()`` edits and
``Artifact.delete()``, so :mod:`cairn.artifacts.rebuild` can replay them.

Both are ARTIFACT records with an ``op`` field (a logged version has none):

* ``{"op": "update", project, name, version, description, metadata, ttl, aliases_add,
  aliases_drop, time}``
* ``{"op": "delete", project, name, version, delete_aliases, time}``

Where the record goes, first match wins: the logging run when it is the active run of this
process (its writer queue, the run's one append path); else the logging run's file, opened
``O_APPEND`` and written with one ``write`` of one complete frame (the run writer also appends
whole frames with single writes, so even a live writer in another process cannot interleave
inside a frame); else the active run of this process; else nowhere (a version made without
any run, e.g. linked outside a run, has no run file — ``record`` returns False).
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from cairn.runlog import format as fmt

OPS = ("update", "delete")


def _plain(v: Any) -> Any:
    return json.loads(json.dumps(v, default=str))


def record(root: str, run_id: str | None, payload: dict) -> bool:
    """Append ``payload`` (``op`` set; ``time`` is added) as an ARTIFACT record for the version
    logged by ``run_id``; returns whether it was written somewhere. Errors: ``OSError`` from
    the append (the store change itself has already happened)."""
    from cairn.sdk import globals as g

    data = _plain({**payload, "time": time.time()})
    active = g.active_run()
    same_root = active is not None and os.path.abspath(getattr(active, "_root", "") or "") == os.path.abspath(root)
    if same_root and run_id and active.id == run_id:
        active._emit(fmt.ARTIFACT, data)
        return True
    path = os.path.join(root, "runs", run_id, "run.cairn") if run_id else None
    if path and os.path.exists(path):
        frame = fmt.frame(fmt.ARTIFACT, fmt.pack(data))
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, frame)
        finally:
            os.close(fd)
        return True
    if same_root:
        active._emit(fmt.ARTIFACT, data)
        return True
    return False


def is_edit(rec: dict) -> bool:
    """True for an update/delete record (not a logged version)."""
    return rec.get("op") in OPS
