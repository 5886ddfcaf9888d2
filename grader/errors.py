"""The one exception hierarchy of the grader.

Two families: :class:`GraderError` for problems of the grading run itself (bad
arguments, unreadable submissions, an inconsistent rubric), and
:class:`StudentCodeError` for what a student's code did during one call. A
student-code error carries the status it gives a test (SPEC section 3) and a
message written for the student. :class:`CheckFailed` is a failed check.
"""

from __future__ import annotations


class GraderError(Exception):
    """A problem with the grading run itself; the message says what to fix."""


class UsageError(GraderError):
    """Bad command-line arguments or options. Likely cause: a typo in a path or flag."""


class SubmissionError(GraderError):
    """A submission could not be read at all (bad zip, unreadable notebook, no files).

    The rest of the class is still graded; this one gets status ``error``."""


class RubricError(GraderError):
    """The rubric and the hidden tests disagree (a check without points, or points
    without a check). Likely cause: a registry record added without its rubric entry."""


class WorkerError(GraderError):
    """The worker could not be started. Likely cause: numpy missing for the
    interpreter, or a sandbox layer that cannot be set up on this machine."""


class StudentCodeError(Exception):
    """What the student's code did instead of returning a value."""

    status = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MissingFunction(StudentCodeError):
    """The function is not defined (or not callable) in the file it belongs to."""

    status = "failed"


class ImportFailed(StudentCodeError):
    """The student's file failed to import (syntax error, exception at import)."""

    def __init__(self, message: str, status: str = "error") -> None:
        super().__init__(message)
        self.status = status


class StudentRaised(StudentCodeError):
    """The student's function raised an exception (NotImplementedError included)."""

    def __init__(self, message: str, type_name: str = "Exception",
                 bases: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.type_name = type_name
        self.bases = bases  # the names of its exception classes' bases, nearest first

    def is_a(self, name: str) -> bool:
        """Whether the student's exception is a ``name`` (its class or a subclass)."""
        return name == self.type_name or name in self.bases


class StudentTimeout(StudentCodeError):
    """The call did not finish within its wall-clock limit; the worker was killed."""

    status = "timeout"


class WorkerCrashed(StudentCodeError):
    """The process running the student's code died during the call (os._exit,
    a segfault, the memory limit)."""


class NotAllowed(StudentCodeError):
    """The function used a library the assignment does not allow."""

    status = "not_allowed"


class CheckFailed(AssertionError):
    """A check found a mistake; ``str(exc)`` is the message for the student (ending
    with the hint, if any), ``hint`` the grader's hint alone, kept apart for reports, and
    ``inputs`` the inputs (x values) where the values were wrong, for the plots."""

    def __init__(self, message: str = "", hint: str = "",
                 inputs: tuple[float, ...] = ()) -> None:
        super().__init__(message)
        self.hint = hint
        self.inputs = inputs
