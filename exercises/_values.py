"""Turning untrusted answers into plain numbers, and numbers into short readable text.

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
import math
import numbers
from typing import Any

import numpy as np

_MAX_ELEMENTS = 12

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


def answer_to_float(x: Any) -> tuple[float | None, str | None]:
    """A scalar answer as a Python float, or ``(None, reason)``.

    >>> answer_to_float(np.array(2.0))
    (2.0, None)
    >>> answer_to_float(np.array([2.0]))[1]
    'an array of shape (1,) was given; give a single number'
    """
    arr, why = to_float_array(x)
    if arr is None:
        return None, why.replace("returned", "the answer is", 1)
    if arr.shape != ():
        return None, f"an array of shape {arr.shape} was given; give a single number"
    value = float(arr)
    if math.isnan(value):
        return None, "the answer is NaN"
    return value, None


def fmt_number(x: float) -> str:
    """A compact, stable rendering of a float.

    >>> fmt_number(0.5), fmt_number(1/3), fmt_number(float("inf")), fmt_number(2.0)
    ('0.5', '0.333333', 'inf', '2')
    """
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.6g}"


def fmt_score(x: float) -> str:
    """A score as a reader reads it: at most two decimals, no trailing zeros.

    >>> fmt_score(0.428571), fmt_score(3.0), fmt_score(1.5), fmt_score(2.999)
    ('0.43', '3', '1.5', '3')
    """
    text = f"{float(x):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fmt_value(x: Any) -> str:
    """A short rendering of an input or output value for feedback (long arrays are summarised)."""
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return fmt_number(float(x)) if x.dtype.kind in "iuf" else repr(x.item())
        if x.dtype.kind in "iub":
            body = np.array2string(x, separator=", ", threshold=_MAX_ELEMENTS, edgeitems=3)
        else:
            body = np.array2string(
                x,
                separator=", ",
                threshold=_MAX_ELEMENTS,
                edgeitems=3,
                precision=4,
                suppress_small=False,
                floatmode="maxprec",
            )
        body = " ".join(body.split())
        return f"{body} (shape {x.shape})" if x.size > _MAX_ELEMENTS or x.ndim > 1 else body
    if isinstance(x, float | np.floating):
        return fmt_number(float(x))
    return repr(x)
