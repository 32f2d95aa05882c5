"""The ``cairn`` command line: one module per command group, assembled in :mod:`cairn.cli.main`."""
