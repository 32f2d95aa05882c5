"""``cairn reindex`` (rebuild the index from run files) and ``cairn gc`` (delete runs and the
blobs only they referenced).

``gc`` removes a run through the index (``Index.delete_run``: its run folder, then its rows),
so a later reindex cannot bring it back; a blob is removed only when no remaining run file entry and no
artifact refers to it. Nothing is deleted before the confirmation prompt (``--yes`` skips it).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cairn.cli.common import CliContext, fmt_runtime
from cairn.sdk.errors import CommError

if TYPE_CHECKING:  # the CLI starts without importing the index modules
    from cairn.ingest.run_ingest import IngestReport


@click.command("reindex")
@click.pass_obj
def reindex(ctx: CliContext) -> None:
    """Drop the index and rebuild it from the run files in the root (artifacts too)."""
    api = ctx.api()
    with Progress(TextColumn("reindexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True)) as bar:
        task = bar.add_task("", total=None)
        report = api.index.reindex(
            progress=lambda done, total, _rid: bar.update(task, completed=done, total=total))
    click.echo(f"reindexed {api.root}: {_describe(report)}")
    counts = _rebuild_artifacts(api.root)
    if counts is not None:
        click.echo("artifacts: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def _rebuild_artifacts(root: str) -> dict | None:
    """``cairn.artifacts.rebuild.rebuild(root)`` when this install has it (imported lazily:
    the artifact store is optional for the index), else None."""
    try:
        from cairn.artifacts.rebuild import rebuild
    except ImportError:
        return None
    return rebuild(root)


def _describe(report: IngestReport) -> str:
    """``IngestReport`` → "3 runs, 150 rows, 7372 bytes in 0.1s" (+ problems, one per line)."""
    text = (f"{report.runs_seen} runs, {report.rows} rows, {report.bytes} bytes in "
            f"{report.seconds:.1f}s")
    for p in report.problems:
        text += f"\n  problem in {p.get('path') or p.get('run_id')} at byte {p.get('offset')}: " \
                f"{p.get('error')}"
    return text


def referenced_by_artifacts(api: Any) -> set[str] | None:
    """Blob digests artifacts refer to: empty without the artifacts module; ``None`` when the
    module cannot tell (then no blob is safe to delete)."""
    try:
        from cairn.artifacts import query
    except ImportError:
        return set()
    fn = getattr(query, "referenced_blobs", None)
    return set(fn(api)) if fn is not None else None


def _file_blobs(index: Any, run_id: str) -> set[str]:
    return {f["sha256"] for f in index.files(run_id) if f.get("sha256")}


@click.command("gc")
@click.argument("run_ids", nargs=-1)
@click.option("--failed", is_flag=True, help="Delete every failed run.")
@click.option("--crashed", is_flag=True, help="Delete every crashed run.")
@click.option("--project", default=None, help="With --failed/--crashed: only in this project.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@click.pass_obj
def gc(ctx: CliContext, run_ids: tuple[str, ...], failed: bool, crashed: bool,
       project: str | None, yes: bool, dry_run: bool) -> None:
    """Delete runs (RUN_IDS, or all --failed/--crashed ones) and blobs no longer referenced."""
    if not run_ids and not (failed or crashed):
        raise click.UsageError("name the runs to delete, or pass --failed and/or --crashed")
    api = ctx.api()
    victims = {r.id: r for r in (ctx.run(p) for p in run_ids)}
    states = [s for s, on in (("failed", failed), ("crashed", crashed)) if on]
    if states:
        for r in api.runs(project, filters={"state": {"$in": states}}, per_page=500):
            victims.setdefault(r.id, r)
    if not victims:
        click.echo("nothing to delete")
        return
    table = Table(title=f"{len(victims)} run(s) to delete")
    for c in ("id", "name", "project", "state", "runtime"):
        table.add_column(c)
    for r in victims.values():
        table.add_row(r.id, r.name, r.project, r.state, fmt_runtime(r.runtime))
    Console(highlight=False).print(table)
    if dry_run:
        return
    if not yes:
        click.confirm(f"Delete these {len(victims)} run(s) and their unreferenced blobs?",
                      abort=True)
    index = api.index
    candidates: set[str] = set()
    for rid in victims:
        candidates |= _file_blobs(index, rid)
        try:
            index.delete_run(rid)  # removes the run folder too, before its rows
        except CommError as e:
            raise click.ClickException(str(e)) from e
    api.flush()  # the cached run lists still hold the deleted runs
    removed = _collect_blobs(api, candidates)
    click.echo(f"deleted {len(victims)} run(s) and {removed} blob(s)")


def _collect_blobs(api: Any, candidates: set[str]) -> int:
    """Remove candidate blobs no remaining run or artifact refers to; return how many."""
    if not candidates:
        return 0
    kept_by_artifacts = referenced_by_artifacts(api)
    if kept_by_artifacts is None:
        click.echo("blobs kept: cannot tell which blobs artifacts refer to", err=True)
        return 0
    index = api.index
    keep = set(kept_by_artifacts)
    for r in api.runs(None, per_page=500):
        keep |= _file_blobs(index, r.id)
    from cairn.store.blobs import blob_path

    removed = 0
    for sha in candidates - keep:
        try:
            os.unlink(blob_path(api.root, sha))
            removed += 1
        except FileNotFoundError:
            pass
    return removed
