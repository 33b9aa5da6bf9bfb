"""Command line: every `envanter` command. Only this package prints or exits (messages.py words
what it says after a build or a validation)."""

from ..run.pipeline import BuildResult as BuildResult
from . import build as build
from . import serving as serving
from .common import main as main

__all__ = ["BuildResult", "main"]
