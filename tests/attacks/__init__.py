"""Hostile submissions graded by the real grader under every isolation layer."""
