"""``python -m cairn.server --root R --port P``: the same as ``cairn server``."""

from cairn.cli.server_cmds import server_cmd

if __name__ == "__main__":
    server_cmd(prog_name="python -m cairn.server")
