"""``cairn ls`` (a table of runs) and ``cairn show`` (one run: config, summary, metrics)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from cairn.cli.common import STATE_STYLE, CliContext, fmt_runtime, fmt_value

_SUMMARY_COLUMNS = 4


def _console() -> Console:
    # click's runner swaps sys.stdout; rich must write to the stream of the moment.
    return Console(width=160, highlight=False)


def summary_columns(runs: list[Any], n: int = _SUMMARY_COLUMNS) -> list[str]:
    """The ``n`` user summary keys with scalar values found in the most runs."""
    seen: Counter = Counter()
    for r in runs:
        for k, v in r.summary_metrics.items():
            if not k.startswith("_") and isinstance(v, int | float | str) and not isinstance(v, bool):
                seen[k] += 1
    return [k for k, _ in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


@click.command("ls")
@click.argument("project", required=False)
@click.option("--state", "states", multiple=True,
              type=click.Choice(["running", "finished", "failed", "crashed", "preempting"]),
              help="Only runs in this state (repeatable).")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=0),
              help="Show at most this many runs.")
@click.pass_obj
def ls(ctx: CliContext, project: str | None, states: tuple[str, ...], limit: int) -> None:
    """List the runs of PROJECT (every project when omitted), oldest first."""
    filters = {"state": {"$in": list(states)}} if states else None
    try:
        runs = ctx.api().runs(project, filters=filters, per_page=min(max(limit, 1), 500))
        total = len(runs)
        shown = runs[:limit]
    except ValueError as e:
        raise click.ClickException(str(e)) from e
    cols = summary_columns(shown)
    table = Table(title=f"{project or 'all projects'}: {total} run{'s' * (total != 1)}")
    for name in ("id", "name", "project", "state", "steps", "runtime", *cols):
        table.add_column(name, no_wrap=name in ("id", "state"),
                         justify="right" if name in ("steps", "runtime") or name in cols else "left")
    for r in shown:
        style = STATE_STYLE.get(r.state, "")
        table.add_row(r.id, r.name, r.project, f"[{style}]{r.state}[/]" if style else r.state,
                      str(r.lastHistoryStep + 1), fmt_runtime(r.runtime),
                      *(fmt_value(r.summary_metrics.get(k, ""), 16) for k in cols))
    _console().print(table)
    if total > len(shown):
        click.echo(f"({total - len(shown)} more; pass --limit to see them)")


@click.command("show")
@click.argument("run")
@click.pass_obj
def show(ctx: CliContext, run: str) -> None:
    """Show RUN (an id or project/id): its attributes, config, summary and metrics."""
    r = ctx.run(run)
    con = _console()
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    for label, value in (("id", r.id), ("name", r.name), ("project", r.project),
                         ("entity", r.entity), ("state", r.state), ("created", r.created_at),
                         ("runtime", fmt_runtime(r.runtime)), ("steps", r.lastHistoryStep + 1),
                         ("tags", ", ".join(r.tags)), ("group", r.group), ("job type", r.job_type),
                         ("notes", r.notes), ("folder", r.dir)):
        if value not in ("", None):
            head.add_row(label, str(value))
    con.print(head)
    con.print(_kv_table("config", r.config))
    con.print(_kv_table("summary", {k: v for k, v in r.summary_metrics.items()
                                    if not k.startswith("_")}))
    metrics = ctx.api().index.metric_keys([r.id])
    mt = Table(title=f"metrics ({len(metrics)})")
    for name in ("key", "kind", "count", "first step", "last step"):
        mt.add_column(name, justify="right" if name != "key" and name != "kind" else "left")
    for m in metrics:
        mt.add_row(m["key"], m["kind"], str(m["count"]), str(m.get("first_step", "")),
                   str(m.get("last_step", "")))
    con.print(mt)


def _kv_table(title: str, d: dict) -> Table:
    t = Table(title=f"{title} ({len(d)})")
    t.add_column("key")
    t.add_column("value", overflow="fold")
    for k in sorted(d):
        t.add_row(k, fmt_value(d[k], 100))
    return t
