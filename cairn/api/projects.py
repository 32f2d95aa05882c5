"""``Project``: a project in the root as the query API shows it (R9.8)."""

from __future__ import annotations

from typing import Any

from cairn.api.run import iso_time


class Project:
    """``name entity run_count created_at updated_at``; ``runs()`` lists the project's runs."""

    def __init__(self, api: Any, attrs: dict) -> None:
        self._api = api
        self._attrs = dict(attrs)
        self.name: str = attrs["name"]
        self.entity: str = attrs.get("entity") or ""
        self.run_count: int = int(attrs.get("run_count") or 0)

    @property
    def id(self) -> str:
        return self.name

    @property
    def path(self) -> list[str]:
        return [self.entity, self.name]

    @property
    def created_at(self) -> str | None:
        return iso_time(self._attrs.get("created_at"))

    @property
    def updated_at(self) -> str | None:
        return iso_time(self._attrs.get("updated_at"))

    def runs(self, filters: dict | None = None, order: str = "+created_at",
             per_page: int = 50) -> Any:
        """The project's runs: ``Api().runs(<this project>, …)``."""
        return self._api.runs(self.name, filters=filters, order=order, per_page=per_page)

    def __repr__(self) -> str:
        return f"<Project {'/'.join(p for p in self.path if p)}>"
