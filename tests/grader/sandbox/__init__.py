"""Tests of the worker's isolation (grader/worker/_isolate.py) and grader/sandbox.py.

They run hostile code in real sandboxes, in real subprocesses: nothing is mocked.
"""
