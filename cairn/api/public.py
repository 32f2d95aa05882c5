"""``wandb.apis.public`` compatibility: the same classes as :mod:`cairn.api`."""

from cairn.api import Api, File, Project, Run, Runs

__all__ = ["Api", "Run", "Runs", "File", "Project"]
