"""``cairn artifact put|get|ls|rebuild``: log a file or folder as an artifact, download a
version, list versions, recreate the store from run files.

``put`` logs through a short run (job type ``artifact-put``) so the version has a producer in
the lineage like any other; ``get`` downloads and verifies every file. ``--root`` names the
Cairn root (default as ``cairn.init`` resolves it); errors become one-line CLI errors.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import click

_ROOT_HELP = "The Cairn root (default: $CAIRN_ROOT, else cairn-data under the working directory)."


def _root(ctx: click.Context, root: str | None) -> str:
    from cairn.sdk.init import resolve_root

    if root:
        return os.path.abspath(root)
    group_root = ctx.parent.params.get("root") if ctx.parent is not None else None
    if group_root:
        return os.path.abspath(group_root)
    obj_root = getattr(ctx.find_object(object), "root", None)
    return os.path.abspath(obj_root) if obj_root else resolve_root()


@contextlib.contextmanager
def _env_root(root: str) -> Iterator[None]:
    old = os.environ.get("CAIRN_ROOT")
    os.environ["CAIRN_ROOT"] = root
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("CAIRN_ROOT", None)
        else:
            os.environ["CAIRN_ROOT"] = old


@click.group("artifact")
@click.option("--root", default=None, type=click.Path(file_okay=False), help=_ROOT_HELP)
def artifact(root: str | None) -> None:
    """Log, download and list artifacts."""


@artifact.command("put")
@click.argument("path", type=click.Path(exists=True))
@click.option("--name", "-n", default=None, help="Artifact name, optionally project/name (default: the basename).")
@click.option("--type", "-t", "type_", default="dataset", show_default=True, help="Artifact type.")
@click.option("--alias", "-a", "aliases", multiple=True, help="Alias to apply (repeatable); latest is always added.")
@click.option("--description", "-d", default=None)
@click.option("--root", default=None, type=click.Path(file_okay=False), help=_ROOT_HELP)
@click.pass_context
def put(ctx: click.Context, path: str, name: str | None, type_: str, aliases: tuple[str, ...],
        description: str | None, root: str | None) -> None:
    """Log the file or folder PATH as a new artifact version."""
    import cairn
    from cairn.artifacts import Artifact

    project, _, art_name = (name or "").rpartition("/")
    art_name = art_name or os.path.basename(os.path.abspath(path).rstrip(os.sep))
    try:
        # staging (add_file/add_dir) stores bytes in the active root too: it must be --root
        with _env_root(_root(ctx, root)):
            art = Artifact(art_name, type_, description=description)
            if os.path.isdir(path):
                art.add_dir(path)
            else:
                art.add_file(path)
            run = cairn.init(project=project or None, job_type="artifact-put",
                             settings={"silent": True, "console": "off", "x_disable_stats": True})
            try:
                run.log_artifact(art, aliases=list(aliases))
            finally:
                run.finish(quiet=True)
    except (ValueError, cairn.Error) as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"{art.qualified_name}  {art.digest}  {art.file_count} files  {art.size} bytes")


@artifact.command("get")
@click.argument("name")
@click.option("--type", "-t", "type_", default=None, help="Require this artifact type.")
@click.option("--dest", default=None, type=click.Path(file_okay=False),
              help="Download folder (default ./artifacts/<name>:v<N>).")
@click.option("--root", default=None, type=click.Path(file_okay=False), help=_ROOT_HELP)
@click.pass_context
def get(ctx: click.Context, name: str, type_: str | None, dest: str | None, root: str | None) -> None:
    """Download NAME[:alias] (also project/NAME:alias) and print the folder."""
    from cairn.artifacts import query
    from cairn.sdk.errors import Error

    try:
        art = query.artifact(_root(ctx, root), name, type=type_)
        click.echo(art.download(dest))
    except (ValueError, Error) as e:
        raise click.ClickException(str(e)) from e


@artifact.command("ls")
@click.argument("project", required=False)
@click.option("--type", "-t", "type_", default=None, help="Only this artifact type.")
@click.option("--root", default=None, type=click.Path(file_okay=False), help=_ROOT_HELP)
@click.pass_context
def ls(ctx: click.Context, project: str | None, type_: str | None, root: str | None) -> None:
    """List artifact versions: project/name:version, type, aliases, files, size, digest."""
    from cairn.artifacts import store

    r = _root(ctx, root)
    rows = 0
    for c in store.collections(r, project, type_):
        for v in store.versions(r, c["project"], c["name"]):
            click.echo(
                f"{c['project']}/{c['name']}:v{v['version']}\t{c['type']}\t{','.join(sorted(v['aliases']))}"
                f"\t{v.get('file_count', 0)} files\t{v.get('size', 0)} B\t{v['digest']}"
            )
            rows += 1
    if not rows:
        click.echo("no artifacts", err=True)


@artifact.command("rebuild")
@click.option("--root", default=None, type=click.Path(file_okay=False), help=_ROOT_HELP)
@click.pass_context
def rebuild_cmd(ctx: click.Context, root: str | None) -> None:
    """Recreate the artifact store (versions, aliases, uses, links, edits, deletes) from run
    files and blobs."""
    from cairn.artifacts.rebuild import rebuild

    counts = rebuild(_root(ctx, root))
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


COMMANDS = [artifact]
