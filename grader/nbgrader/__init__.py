"""The assignment as an nbgrader course (nbgrader 0.9, Jupyter 7).

* :mod:`~grader.nbgrader.course` -- ``grader nbgrader init``: the teaching notebook
  (from :mod:`~grader.nbgrader.templates`, :mod:`~grader.nbgrader.solutions` and the
  rubric) and ``nbgrader_config.py``.
* :mod:`~grader.nbgrader.autograde` -- ``grader nbgrader autograde``: nbgrader's
  autograde pipeline with our engine in place of a kernel; scores go into the
  gradebook through :class:`nbgrader.api.Gradebook`.
* :mod:`~grader.nbgrader.cell` and :mod:`~grader.nbgrader.service` -- what a test cell
  runs inside a kernel (plain ``nbgrader autograde``, or a student running it).
* :mod:`~grader.nbgrader.messages` -- one function's points and words, shared by both.
* :mod:`~grader.nbgrader.cli` -- the ``grader nbgrader`` command.

Only ``cli`` may be imported without the ``nbgrader`` extra installed.
"""
