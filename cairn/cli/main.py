"""``cairn``: the console script. Global options, and the command groups registered on it.

Every command reads the root through ``cairn.Api`` (so ``--root`` resolves exactly as
``cairn.init`` does when omitted) and prints with rich. Command groups owned by other modules
(``server``/``ui``, ``artifact``) are registered when their module is present, so the CLI works
without them.
"""

from __future__ import annotations

import importlib

import click

from cairn.cli.common import CliContext
from cairn.cli.export_cmd import export
from cairn.cli.maint_cmds import gc, reindex
from cairn.cli.runs_cmds import ls, show

_OPTIONAL_MODULES = ("cairn.cli.server_cmds", "cairn.cli.artifact_cmds")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False), default=None,
              help="The Cairn root (default: $CAIRN_ROOT, else cairn-data under "
                   "$CAIRN_DIR/$WANDB_DIR/the working directory).")
@click.option("--index-url", default=None, envvar="CAIRN_INDEX_URL",
              help="SQLAlchemy URL of the index database (default: the root's SQLite file).")
@click.version_option(package_name="cairn", prog_name="cairn")
@click.pass_context
def cli(ctx: click.Context, root: str | None, index_url: str | None) -> None:
    """Cairn: a local-first experiment tracker."""
    ctx.obj = CliContext(root=root, url=index_url)
    ctx.call_on_close(ctx.obj.close)
    # Commands of other modules that take their own --root/--index-url get the global ones.
    shared = {k: v for k, v in (("root", root), ("index_url", index_url)) if v is not None}
    if shared:
        ctx.default_map = {name: dict(shared) for name, cmd in ctx.command.commands.items()
                           if any(p.name == "root" for p in cmd.params)}


for _cmd in (ls, show, export, reindex, gc):
    cli.add_command(_cmd)


def _register_optional(group: click.Group) -> None:
    """Add each optional module's ``COMMANDS`` (or, without that list, the click commands it
    defines) when the module is installed."""
    for name in _OPTIONAL_MODULES:
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        commands = getattr(mod, "COMMANDS", None)
        if commands is None:
            commands = [obj for obj in vars(mod).values() if isinstance(obj, click.Command)
                        and getattr(obj.callback, "__module__", None) == name]
        for cmd in commands:
            if cmd.name not in group.commands:
                group.add_command(cmd)


_register_optional(cli)


def main() -> None:
    """Entry point of the ``cairn`` console script."""
    cli(prog_name="cairn")


if __name__ == "__main__":
    main()
