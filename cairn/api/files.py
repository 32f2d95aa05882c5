"""``File``: one file saved by a run (``run.save``, media, code), as the query API shows it (R9.6).

Bytes live in the root's content-addressed blobs when the index knows a digest, otherwise in
the run's ``files/`` folder. ``url`` is a ``file://`` URL: a local root has no web address.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
from pathlib import Path
from typing import Any

from cairn.sdk.errors import CommError


class File:
    """A saved file of a run: ``name size mimetype url md5 updated_at``, ``download()``, ``delete()``."""

    def __init__(self, backend: Any, run_id: str, attrs: dict) -> None:
        self._backend = backend
        self._run_id = run_id
        self._attrs = attrs
        self.name: str = attrs["name"]
        self.size: int = int(attrs.get("size") or 0)
        self.updated_at = attrs.get("updated_at")
        self.mimetype: str = mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    @property
    def path_on_disk(self) -> str:
        """Where the bytes are: the blob when the digest is known, else the run's ``files/``."""
        sha = self._attrs.get("sha256")
        if sha:
            from cairn.store.blobs import blob_path

            return blob_path(self._backend.root, sha)
        return os.path.join(self._backend.root, "runs", self._run_id, "files", self.name)

    @property
    def url(self) -> str:
        return Path(self.path_on_disk).as_uri()

    @property
    def md5(self) -> str:
        """Base64 MD5 of the bytes, as wandb reports it. Cost: one read of the file."""
        h = hashlib.md5()
        with open(self.path_on_disk, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        return base64.b64encode(h.digest()).decode()

    def download(self, root: str = ".", replace: bool = False, exist_ok: bool = False) -> Any:
        """Copy the file to ``root/name`` and return it opened for reading (as wandb does).

        Raises ``ValueError`` if the target exists and neither ``replace`` nor ``exist_ok`` is
        set, or if the name would land outside ``root`` (a hand-edited run file);
        ``CommError`` if the bytes are gone from the root.
        """
        dest = os.path.join(root, self.name)
        base = os.path.realpath(root)
        if os.path.commonpath([base, os.path.realpath(dest)]) != base or os.path.isabs(self.name):
            raise ValueError(f"file name {self.name!r} of run {self._run_id} leads outside {root}")
        if os.path.exists(dest) and not replace:
            if exist_ok:
                return open(dest)
            raise ValueError(f"File {dest} already exists, pass replace=True to overwrite or "
                             "exist_ok=True to leave it as is and don't error.")
        src = self.path_on_disk
        if not os.path.exists(src):
            raise CommError(f"file {self.name!r} of run {self._run_id} is missing from "
                            f"{self._backend.root}")
        from cairn.store.blobs import copy_out

        if self._attrs.get("sha256"):
            copy_out(self._backend.root, self._attrs["sha256"], dest)
        else:
            import shutil

            os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
            shutil.copyfile(src, dest)
        return open(dest)

    def delete(self) -> None:
        """Delete the file from the run: a delete marker is appended to the run file (so
        ``reindex`` keeps it) and the copy in the run's ``files/`` folder is removed; the bytes
        stay in the blob store, which other runs and artifacts share. Raises ``CommError`` if
        the run is gone. Cost: one appended record and a re-ingest of the run.
        """
        self._backend.update_run(self._run_id, delete_files=[self.name])

    def __repr__(self) -> str:
        return f"<File {self.name} ({self.mimetype}) {self.size}B>"
