"""activation-grader: grade the activation-functions assignment with hidden pytest
suites, student code kept apart in a worker process."""

__version__ = "0.1.0"
