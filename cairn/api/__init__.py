"""The public query API (``cairn.Api``, wandb's ``wandb.Api``): runs, history, files, projects.

Everything goes through one backend (``cairn.api.backend``), the local index by default.
"""

from cairn.api.api import Api
from cairn.api.files import File
from cairn.api.projects import Project
from cairn.api.run import Run
from cairn.api.runs import Runs

__all__ = ["Api", "Run", "Runs", "File", "Project"]

from cairn.api import public  # noqa: E402,F401  (``cairn.apis.public.Api``, as wandb.apis.public)
