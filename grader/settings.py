"""What a grading run is configured with (light: no pytest, no numpy, so the command
line can start the sandbox before the heavy imports are done)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.release import assignment_dir
from grader.rubric import Rubric
from grader.sandbox import Limits


@dataclass(frozen=True)
class Settings:
    """Everything a grading process needs to know; picklable (sent to the pool)."""

    assignment: str = "activations"
    root: Path | None = None  # folder holding the assignments (default: the installed one)
    sandbox: str = "none"  # a layer sandbox.choose() returned
    limits: Limits = field(default_factory=Limits)

    @property
    def folder(self) -> Path:
        return assignment_dir(self.assignment, self.root)

    @property
    def grading(self) -> Path:
        return self.folder / "grading"

    def rubric(self) -> Rubric:
        return Rubric.load(self.grading / "rubric.toml")
