"""The seam between ``cairn.Api`` and where runs live.

``cairn.Api`` talks to a :class:`Backend`: the method set of ``cairn.store.index.Index``
(docs/architecture.md, "The index contract"). Today the only backend is the local index over a
root (SQLite, or PostgreSQL given an index URL); a client for a remote ``cairn server`` would
implement the same methods over HTTP and be chosen here by ``base_url``, so nothing above this
module changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from cairn.sdk.errors import CommError


class Backend(Protocol):
    """What the query API needs from a store. Every method may raise ``CommError``."""

    root: str

    def ingest(self, run_ids: list[str] | None = None) -> Any: ...
    def reindex(self, progress: Any = None) -> Any: ...
    def projects(self) -> list[dict]: ...
    def runs(self, project: str | None = None, filters: dict | None = None,
             order: str = "+created_at", limit: int | None = None, offset: int = 0,
             search: str | None = None) -> tuple[list[dict], int]: ...
    def run(self, run_id: str, project: str | None = None) -> dict: ...
    def metric_keys(self, run_ids: list[str]) -> list[dict]: ...
    def history_rows(self, run_id: str, keys: list[str] | None = None,
                     min_step: int | None = None, max_step: int | None = None,
                     page_size: int = 1000) -> Iterator[dict]: ...
    def history_sample(self, run_id: str, samples: int = 500, keys: list[str] | None = None,
                       x_axis: str = "_step", cost: dict | None = None) -> list[dict]: ...
    def update_run(self, run_id: str, **fields: Any) -> None: ...
    def delete_run(self, run_id: str) -> None: ...
    def files(self, run_id: str) -> list[dict]: ...
    def system_metrics(self, run_id: str) -> list[dict]: ...
    def close(self) -> None: ...


def open_backend(root: str, url: str | None = None, base_url: str | None = None) -> Backend:
    """The backend for ``root`` (and index ``url``), or for a server at ``base_url``.

    Cost: opening the index (creating or migrating its schema on first use). Raises
    ``CommError`` for a ``base_url`` (remote servers are not supported by this version) or when
    the index cannot be opened.
    """
    if base_url and not base_url.startswith(("file:", "local:")):
        raise CommError(f"cannot reach {base_url}: this Cairn version queries local roots only "
                        "(pass root= or url=)")
    from cairn.store.index import open_index

    try:
        return open_index(root, url)
    except CommError:
        raise
    except Exception as e:  # a bad URL or unreachable database: the API's error type
        raise CommError(f"cannot open the index for {root} ({url or 'sqlite'}): {e}", e) from e
