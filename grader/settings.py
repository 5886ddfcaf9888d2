"""What a grading run is configured with (light: no pytest, no numpy, so the command
line can start the sandbox before the heavy imports are done)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.assignment import Assignment
from grader.rubric import Rubric
from grader.sandbox import Limits


@dataclass(frozen=True)
class Settings:
    """Everything a grading process needs to know; picklable (sent to the pool)."""

    assignment: str = "activations"  # a packaged assignment's name, or a folder's path
    root: Path | None = None  # folder holding the assignments (default: the installed one)
    sandbox: str = "none"  # a layer sandbox.choose() returned
    limits: Limits = field(default_factory=Limits)

    def load(self) -> Assignment:
        """The assignment, loaded and validated (once per process and manifest)."""
        return Assignment.load(self.assignment, self.root)

    @property
    def folder(self) -> Path:
        return self.load().folder

    @property
    def grading(self) -> Path:
        return self.load().suites

    def rubric(self) -> Rubric:
        return self.load().rubric
