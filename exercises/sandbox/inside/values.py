"""What an untrusted answer is: a placeholder, a number, or something else.

Used on both sides of the sandbox: by the runner (a code answer's return values become plain
float64 arrays there, so a hostile object's methods run only inside) and by the scoring of a
reader's own answers.

The rules for what counts as a number (used for numeric questions and for the values a reader's
function returns):

- accepted: ``int``, ``float`` (and their subclasses), numpy integer and floating scalars, and
  numpy arrays with an integer or floating dtype. The value is converted with
  ``np.array(x, dtype=np.float64)``, which never calls the object's ``__eq__``;
- rejected with a message: ``None``, ``bool`` and ``numpy.bool_`` (a loss is a number; a bool is
  almost always the result of a comparison by mistake), strings and bytes, complex numbers, lists
  and tuples (return an array or a number), and any other object, including one whose ``__eq__``
  claims to equal everything.

Shapes are never broadcast: a function that should return a scalar and returns an array of shape
``(1,)`` gets feedback saying so.

>>> to_float_array(np.float32(1.5))
(array(1.5), None)
>>> to_float_array("1.5")[1]
'returned a string (str), not a number'
>>> to_float_array(True)[1]
'returned a bool (True), not a number: a loss is a float'
"""

from __future__ import annotations

import dis
import numbers
from typing import Any

import numpy as np

_TRIVIAL_OPS = {"RESUME", "NOP", "CACHE", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST", "POP_TOP"}


def _has_empty_body(fn: Any) -> bool:
    """True for a function whose body is only a docstring, ``...`` or ``pass``."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    try:
        for ins in dis.get_instructions(code):
            if ins.opname not in _TRIVIAL_OPS:
                return False
            if ins.opname in ("LOAD_CONST", "RETURN_CONST") and ins.argval not in (None, Ellipsis):
                return False
    except Exception:
        return False
    return True


def is_placeholder(answer: Any) -> bool:
    """True for the shipped placeholders: ``...``, ``None`` or a function with an empty body."""
    if answer is None or answer is Ellipsis:
        return True
    return callable(answer) and _has_empty_body(answer)


def to_float_array(x: Any) -> tuple[np.ndarray | None, str | None]:
    """``(array, None)`` for an acceptable number or numeric array, else ``(None, reason)``."""
    if x is None:
        return None, "returned None (is a `return` statement missing?)"
    if x is Ellipsis:
        return None, "returned `...` (the placeholder)"
    if isinstance(x, bool | np.bool_):
        return None, f"returned a bool ({bool(x)}), not a number: a loss is a float"
    if isinstance(x, str | bytes):
        return None, f"returned a string ({type(x).__name__}), not a number"
    if isinstance(x, complex | np.complexfloating):
        return None, "returned a complex number"
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "iuf":
            return None, f"returned an array of dtype {x.dtype}, not of numbers"
        try:
            return np.array(x, dtype=np.float64), None
        except Exception as exc:  # a hostile ndarray subclass
            return None, f"returned an array that could not be read ({type(exc).__name__})"
    if isinstance(x, numbers.Integral | numbers.Real) and isinstance(
        x, int | float | np.integer | np.floating
    ):
        try:
            return np.array(float(x), dtype=np.float64), None
        except Exception as exc:
            return None, f"returned a number that could not be read ({type(exc).__name__})"
    if isinstance(x, list | tuple):
        return None, (
            f"returned a {type(x).__name__}; return a float (or a numpy array), "
            "e.g. with np.mean(...)"
        )
    return None, f"returned an object of type {type(x).__name__!r}, not a number"
