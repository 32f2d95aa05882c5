"""``CustomChart`` and ``plot_table``: a Table plus a chart preset (R6.16).

Logging a chart under key K stores its table under the history key ``K_table``
(``Custom Chart Tables/K_table`` with ``split_table=True``) as an ordinary ``table-file``,
and records the panel in the run config at ``_wandb.visualize.K``::

    {"panel_type": "Vega2",
     "panel_config": {"panelDefId": <spec id>, "fieldSettings": {...}, "stringSettings": {...},
                      "transform": {"name": "tableWithLeafColNames"}, "userQuery": {...K_table...}},
     "vega_spec": <full Vega-Lite spec, or None for unknown ids>}

``vega_spec`` is a Cairn addition: the UI renders it with vega-embed and the table's rows.
``Run.log`` renames K to ``K_table`` through :meth:`CustomChart._cairn_split`; a chart that
reaches :meth:`CustomChart.to_json` directly (nested in a dict, or a summary write) is stored
under the key it was given, with ``tableKey`` naming that key.
"""

from __future__ import annotations

from typing import Any

from cairn.data_types import base
from cairn.data_types.table import Table
from cairn.plot.specs import vega_spec


class CustomChart:
    """A table and the preset that draws it. Build with ``cairn.plot.*`` or ``plot_table``."""

    _cairn_media = True
    _cairn_chart = True

    def __init__(self, id: str, data: Table, fields: dict, string_fields: dict | None = None,
                 split_table: bool = False) -> None:
        if not isinstance(data, Table):
            raise TypeError(f"a custom chart needs a cairn.Table, got {type(data).__name__}")
        if not isinstance(fields, dict):
            raise TypeError("fields must be a dict of spec field to table column")
        self.spec_id = id
        self.table = data
        self.fields = dict(fields)
        self.string_fields = dict(string_fields or {})
        self.split_table = bool(split_table)

    # wandb code reads these names
    @property
    def id(self) -> str:
        return self.spec_id

    @property
    def vega_spec(self) -> dict | None:
        return vega_spec(self.spec_id, self.fields, self.string_fields)

    def table_key(self, key: str) -> str:
        """The history key the table is stored under when logged as ``key``."""
        return f"Custom Chart Tables/{key}_table" if self.split_table else f"{key}_table"

    def panel(self, table_key: str) -> dict:
        """The ``_wandb.visualize.<key>`` config entry."""
        query = {"queryFields": [{
            "name": "runSets",
            "args": [{"name": "runSets", "value": "${runSets}"}],
            "fields": [
                {"name": "id", "fields": []},
                {"name": "name", "fields": []},
                {"name": "_defaultColorIndex", "fields": []},
                {"name": "summaryTable", "args": [{"name": "tableKey", "value": table_key}], "fields": []},
            ],
        }]}
        return {
            "panel_type": "Vega2",
            "panel_config": {
                "panelDefId": self.spec_id,
                "fieldSettings": self.fields,
                "stringSettings": self.string_fields,
                "transform": {"name": "tableWithLeafColNames"},
                "userQuery": query,
            },
            "vega_spec": self.vega_spec,
        }

    def _cairn_split(self, run: Any, key: str) -> tuple[str, Table]:
        """Record the panel for ``key``; return ``(table key, table)`` to log in its place."""
        tkey = self.table_key(key)
        base.merge_wandb_config(run, "visualize", {key: self.panel(tkey)})
        return tkey, self.table

    def to_json(self, run: Any, key: str, summary: bool = False) -> dict:
        """Store the table under ``key`` itself and record the panel pointing at it."""
        base.merge_wandb_config(run, "visualize", {key: self.panel(key)})
        return self.table.to_json(run, key, summary=summary)


def plot_table(vega_spec_name: str, data_table: Table, fields: dict, string_fields: dict | None = None,
               split_table: bool = False) -> CustomChart:
    """Create a custom chart from a preset id (e.g. ``"wandb/line/v0"``) and a Table.

    Arguments:
        vega_spec_name: the preset (or user spec) id.
        data_table: the :class:`~cairn.Table` holding the data.
        fields: spec field → table column, e.g. ``{"x": "step", "y": "loss"}``.
        string_fields: string constants the spec needs, e.g. ``{"title": "Loss"}``.
        split_table: store the table under ``Custom Chart Tables/<key>_table``.
    """
    return CustomChart(vega_spec_name, data_table, fields, string_fields, split_table)
