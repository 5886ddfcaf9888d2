"""Import policy inside the worker: which libraries graded code may use.

Allowed: the standard library, numpy, the student's own files, and from scipy only the
names of ``scipy.special`` the assignment's manifest allows (the activations assignment
allows ``erf``, ``erfc`` and ``ndtr``: its GELU needs the normal CDF; the trusted side
sends the list with the submission's files, see :func:`allow`). Anything else --
``scipy.special.expit``, ``scipy.special.softmax``, ``torch``, ``jax``, ``tensorflow`` --
imports fine but is a stand-in whose use
raises :class:`NotAllowedError`. So a file that merely imports a forbidden library
still loads, and only the functions that actually *use* it lose their points, each
told exactly which name it used.

Who is charged: the graded function whose own code (or a helper of its own) calls
the forbidden name. When the call happens inside *another* graded function (swish
calling the student's sigmoid, which uses ``expit``) that was already charged for
that name in its own tests (graded functions are called in the registry's order,
sigmoid before swish), the stand-in computes the real thing where it exists
(scipy.special), so the caller is judged on its own code. A name used only on a
path that the other function's own tests never take is charged to the caller. Forbidden calls
while a file is being imported (plots and checks left at module level) do nothing
and return a stand-in, as they would in a notebook that is graded cell by cell.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import types
from typing import Any

_SPECIAL: dict[str, Any] = {}  # the stand-in scipy.special and the real one, once installed


class _Context:
    """What the worker is doing, for the stand-ins to decide whom a use is charged to."""

    importing = False
    graded: Any = None  # the code object of the graded function being called, if known
    modules: dict[str, Any] = {}  # the submission's imported modules (the worker's own dict)
    names: set[str] = set()  # the names of all graded functions
    real: dict[str, Any] = {}  # dotted name -> real object, where graded code may reach it
    charged: set[tuple[Any, str]] = set()  # (graded code, name) refused in its own call

    def others(self) -> set[Any]:
        """The code objects of the graded functions other than the one being called."""
        codes = {getattr(getattr(module, name, None), "__code__", None)
                 for module in self.modules.values() for name in self.names}
        return codes - {None, self.graded}


CONTEXT = _Context()


class NotAllowedError(BaseException):
    """Graded code used a library the assignment does not allow.

    A BaseException, so that a student's ``except Exception`` does not hide it.
    """

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class Forbidden:
    """Stands for a forbidden library object: attribute access gives more
    stand-ins, a call raises NotAllowedError naming what was used."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return Forbidden(f"{self._name}.{attr}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if CONTEXT.importing:
            return Inert(self._name)
        other = _other_graded_function(sys._getframe(1))
        if other is None:
            if CONTEXT.graded is not None:
                CONTEXT.charged.add((CONTEXT.graded, self._name))
        elif (other, self._name) in CONTEXT.charged:
            real = CONTEXT.real.get(self._name)
            if real is not None:
                return real(*args, **kwargs)
        raise NotAllowedError(self._name)

    def __repr__(self) -> str:
        return f"<not allowed: {self._name}>"


class Inert:
    """What a forbidden call made while a file is imported returns: it absorbs every
    use (attributes, calls, items, ``with``, unpacking into two)."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return Inert(f"{self._name}.{attr}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return Inert(f"{self._name}()")

    def __getitem__(self, key: Any) -> Any:
        return Inert(f"{self._name}[]")

    def __iter__(self) -> Any:
        return iter((Inert(self._name), Inert(self._name)))  # fig, ax = plt.subplots()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __repr__(self) -> str:
        return f"<not run: {self._name}>"


def _other_graded_function(frame: Any) -> Any:
    """The code of another graded function whose frame comes, walking out from
    ``frame``, before the called graded function's own; None if there is none (the
    use is the called function's own, or its code is unknown)."""
    if CONTEXT.graded is None:
        return None
    others = CONTEXT.others()
    while frame is not None:
        code = frame.f_code
        if code is CONTEXT.graded:
            return None
        if code in others:
            return code
        frame = frame.f_back
    return None


class _ForbiddenModule(types.ModuleType):
    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return Forbidden(f"{self.__name__}.{attr}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves a stand-in for every module graded code may not use."""

    def __init__(self) -> None:
        self.root = ""  # the submission's import root, set once the worker has one

    def _own(self, top: str) -> bool:
        return os.path.exists(os.path.join(self.root, top + ".py")) or os.path.isdir(
            os.path.join(self.root, top)
        )

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        top = fullname.partition(".")[0]
        if top in sys.stdlib_module_names or top == "numpy" or self._own(top):
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: Any) -> types.ModuleType:
        module = _ForbiddenModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


def install() -> _Finder:
    """Put the policy in place; call after numpy and scipy.special are imported.

    Returns the finder, whose ``root`` the worker sets to its import root."""
    real_special = sys.modules.get("scipy.special")
    for name in [n for n in sys.modules if n == "scipy" or n.startswith("scipy.")]:
        del sys.modules[name]  # the real modules stay alive through their own references
    finder = _Finder()
    sys.meta_path.insert(0, finder)
    if real_special is None:
        return finder
    scipy = _ForbiddenModule("scipy")
    scipy.__path__ = []
    special = _ForbiddenModule("scipy.special")
    special.__path__ = []
    special.__all__ = []  # type: ignore[attr-defined]
    _SPECIAL.update(stand_in=special, real=real_special)
    CONTEXT.real = {f"scipy.special.{name}": getattr(real_special, name)
                    for name in dir(real_special) if not name.startswith("_")
                    and callable(getattr(real_special, name, None))}
    scipy.special = special  # type: ignore[attr-defined]
    sys.modules["scipy"] = scipy
    sys.modules["scipy.special"] = special
    return finder


def allow(allowed: object) -> None:
    """Let graded code use the names the assignment allows: ``{"scipy.special": [names]}``
    (names the real module lacks, or of any other library, are ignored). Called once per
    worker, before the submission's files are imported."""
    special, real = _SPECIAL.get("stand_in"), _SPECIAL.get("real")
    if special is None or not isinstance(allowed, dict):
        return
    names = allowed.get("scipy.special")
    names = [n for n in names if isinstance(n, str) and not n.startswith("_")
             and callable(getattr(real, n, None))] if isinstance(names, list) else []
    for name in names:
        setattr(special, name, getattr(real, name))
    special.__all__ = names  # type: ignore[attr-defined]
