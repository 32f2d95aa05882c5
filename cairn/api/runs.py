"""``Runs``: the lazily paginated result of ``Api().runs()`` (R9.2).

Pages of ``per_page`` runs are fetched from the backend on first need and cached, so iterating a
large project holds one page of queries at a time; ``len()`` is the backend's total count for
the query (fetched with the first page).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cairn.api.run import Run


class Runs:
    """A sequence of :class:`~cairn.api.run.Run` matching one query; iterable, indexable, sized."""

    def __init__(self, api: Any, project: str | None, filters: dict | None, order: str,
                 per_page: int = 50, entity: str | None = None) -> None:
        if not isinstance(per_page, int) or per_page < 1:
            raise ValueError(f"per_page must be a positive integer, got {per_page!r}")
        self._api = api
        self.entity = entity
        self.project = project
        self.filters = filters or {}
        self.order = order
        self.per_page = per_page
        self._pages: dict[int, list[Run]] = {}
        self._total: int | None = None

    def _page(self, n: int) -> list[Run]:
        if n not in self._pages:
            rows, total = self._api._backend.runs(
                project=self.project, filters=self._backend_filters(), order=self.order,
                limit=self.per_page, offset=n * self.per_page)
            self._total = total
            self._pages[n] = [Run(self._api, r) for r in rows]
        return self._pages[n]

    def _backend_filters(self) -> dict | None:
        """The user's filters, narrowed to the path's entity: a run matches it when it was
        logged under that entity or under none (local runs usually have no entity)."""
        if not self.entity:
            return self.filters or None
        scope = {"entity": {"$in": [self.entity, ""]}}
        return {"$and": [self.filters, scope]} if self.filters else scope

    def histories(self, samples: int = 500, keys: list[str] | None = None,
                  x_axis: str = "_step", format: str = "default",
                  stream: str = "default") -> Any:
        """Every run's sampled history, each row tagged with its ``run_id`` (wandb's
        ``Runs.histories``): a list of dicts (``format="default"``) or one pandas DataFrame
        (``format="pandas"``). Raises ``ValueError`` for another format."""
        if format not in ("default", "pandas"):
            raise ValueError(f"format must be 'default' or 'pandas', got {format!r}")
        rows = []
        for run in self:
            for row in run.history(samples=samples, keys=keys, x_axis=x_axis, pandas=False,
                                   stream=stream):
                rows.append({**row, "run_id": run.id})
        if format == "pandas":
            from cairn.api.history import to_frame

            return to_frame(rows)
        return rows

    def __len__(self) -> int:
        if self._total is None:
            self._page(0)
        return self._total or 0

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"run index {index} out of range ({n} runs)")
        page = self._page(index // self.per_page)
        offset = index % self.per_page
        if offset >= len(page):  # runs deleted since the count was taken
            raise IndexError(f"run index {index} out of range")
        return page[offset]

    def __iter__(self) -> Iterator[Run]:
        n = 0
        while True:
            page = self._page(n)
            yield from page
            if len(page) < self.per_page or (n + 1) * self.per_page >= (self._total or 0):
                return
            n += 1

    def __bool__(self) -> bool:
        return len(self) > 0

    def __repr__(self) -> str:
        where = "/".join(p for p in (self.entity, self.project) if p) or "all projects"
        return f"<Runs {where} ({len(self)})>"
