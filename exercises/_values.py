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

import decimal
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


def _rounded(x: float, p: int) -> tuple[str, int]:
    """``|x|`` (finite, non-zero) rounded to ``p`` significant digits, an exact tie away from
    zero (as JavaScript's ``toExponential``): the ``p`` digits and the decimal exponent."""
    r = decimal.Context(prec=p, rounding=decimal.ROUND_HALF_UP).plus(decimal.Decimal(abs(x)))
    digits = "".join(map(str, r.as_tuple().digits))
    return (digits + "0" * p)[:p], r.adjusted()


def fmt_digits(x: float, p: int) -> str:
    """``x`` to ``p`` significant digits in the style of Python's ``f"{x:.{p}g}"``.

    The one difference from ``'g'``: an exact tie rounds away from zero (``'g'`` rounds it to
    even), because that is what JavaScript's ``toExponential`` does, and the site's twin of this
    function (:data:`FMT_JS`) must give the same text.

    >>> fmt_digits(1234565, 6), f"{1234565:.6g}", fmt_digits(-0.000012345, 3), fmt_digits(-0.0, 6)
    ('1.23457e+06', '1.23456e+06', '-1.23e-05', '-0')
    """
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return fmt_number(x)
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    digits, exp = _rounded(x, p)
    if -4 <= exp < p:
        text = (
            digits[: exp + 1] + "." + digits[exp + 1 :]
            if exp >= 0
            else "0." + "0" * (-exp - 1) + digits
        )
        text = text.rstrip("0").rstrip(".")
    else:
        mantissa = (digits[0] + "." + digits[1:]).rstrip("0").rstrip(".")
        text = f"{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    return "-" + text if x < 0 else text


def fmt_answer(x: float, key: float | None = None) -> str:
    """A reader's number as feedback shows it: 6 significant digits, or, when ``key`` (the right
    answer) is given and ``x`` is not ``key``, as many more (up to 17) as it takes for the text to
    differ from ``key``'s own text at the same number of digits; ``inf``, ``-inf``, ``nan`` as
    :func:`fmt_number`. The grader passes ``key`` when the answer is not within the tolerance, so
    a wrong answer never reads like the key. The site's script uses the same rule
    (:data:`FMT_JS`).

    >>> fmt_answer(200.0003), fmt_answer(200.0003, 200.0), fmt_answer(1.0000015, 1.0)
    ('200', '200.0003', '1.000001')
    >>> fmt_answer(207.97, 200.0), fmt_answer(float("-inf"), 1.0), fmt_answer(1e16, 1e16 + 2)
    ('207.97', '-inf', '10000000000000000')
    """
    x = float(x)
    p = 6
    if key is not None and x != key:
        while p < 17 and fmt_digits(x, p) == fmt_digits(key, p):
            p += 1
    return fmt_digits(x, p)


#: The JavaScript twin of :func:`fmt_answer` (and :func:`fmt_digits`), for the site's quizzes:
#: ``fmtAnswer(x, key)`` with ``key`` null for the compact form. ``toExponential`` rounds the
#: exact binary value, a tie away from zero, as :func:`_rounded` does; the rest rebuilds the text
#: in the style of Python's ``'g'``. Tested against the Python on a few hundred values in
#: Chromium (tests/test_exercises_site_parity.py).
FMT_JS = r"""
  function fmtDigits(x, p) {
    if (x !== x) { return "nan"; }
    if (x === Infinity) { return "inf"; }
    if (x === -Infinity) { return "-inf"; }
    if (x === 0) { return 1 / x < 0 ? "-0" : "0"; }
    var s = Math.abs(x).toExponential(p - 1), e = s.indexOf("e");
    var digits = s.slice(0, e).replace(".", ""), exp = parseInt(s.slice(e + 1), 10), text;
    if (exp >= -4 && exp < p) {
      text = exp >= 0 ? digits.slice(0, exp + 1) + "." + digits.slice(exp + 1)
                      : "0." + new Array(-exp).join("0") + digits;
      text = text.replace(/0+$/, "").replace(/\.$/, "");
    } else {
      var mantissa = (digits.charAt(0) + "." + digits.slice(1)).replace(/0+$/, "").replace(/\.$/, "");
      text = mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
    return x < 0 ? "-" + text : text;
  }
  function fmtAnswer(x, key) {
    var p = 6;
    if (key !== null && key !== undefined && x !== key) {
      while (p < 17 && fmtDigits(x, p) === fmtDigits(key, p)) { p += 1; }
    }
    return fmtDigits(x, p);
  }
"""


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
