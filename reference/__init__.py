"""The reference solution of the activations assignment, in plain NumPy.

One module per student file (``activations``, ``derivatives``, ``initializers``,
``dead_relu``); each is also the drop-in correct file for a submission folder. This
package re-exports every public name of the four (each module's ``__all__``), so a
function added to a module is here too.
"""

from __future__ import annotations

from . import activations, dead_relu, derivatives, initializers
from .activations import *  # noqa: F403
from .dead_relu import *  # noqa: F403
from .derivatives import *  # noqa: F403
from .initializers import *  # noqa: F403

__all__ = sorted({*activations.__all__, *derivatives.__all__, *initializers.__all__,
                  *dead_relu.__all__})
