"""How numbers read: in feedback, in reports, and (the same text) in the site's script.

- :func:`fmt_number`: a compact, stable rendering (6 significant digits);
- :func:`fmt_answer`: a reader's number as feedback shows it, never reading like the key when it
  is wrong; :data:`FMT_JS` is its JavaScript twin (``static/format.js``), which the site's quiz
  inlines;
- :func:`typed_number`: a number box's text as the answer ``check()`` gets (the site's script
  reads it with the same patterns, :data:`TYPED_NUMBER` and :data:`TYPED_SPECIAL`);
- :func:`fmt_score` and :func:`fmt_value`: scores, and values in feedback.

>>> fmt_answer(200.0003), fmt_answer(200.0003, 200.0)
('200', '200.0003')
"""

from __future__ import annotations

import decimal
import functools
import math
import re
import sys
from typing import Any

import numpy as np

from .assets import static

_MAX_ELEMENTS = 12

#: Where the site's script puts the reader's number in a numeric question's verdict templates.
NUMBER = "⟦x⟧"


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


#: The JavaScript twin of :func:`fmt_answer` and :func:`fmt_digits` (``static/format.js``):
#: ``fmtAnswer(x, key)``, ``key`` null for the compact form; the site's quiz inlines it.
FMT_JS = static("format.js")


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


@functools.cache
def python_space() -> str:
    """The characters ``str.strip()`` removes, as a regular-expression class body for JS."""
    spaces = [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    runs: list[list[int]] = []
    for c in spaces:
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "".join(
        f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in runs if b <= 0xFFFF
    )


_DIGITS = "[0-9](?:_?[0-9])*"
#: Python's ``float()`` syntax with ASCII digits (the same pattern in Python and in the script).
TYPED_NUMBER = rf"[+-]?(?:(?:{_DIGITS})?\.{_DIGITS}|{_DIGITS}\.?)(?:[eE][+-]?{_DIGITS})?"
TYPED_SPECIAL = r"([+-]?)(inf|infinity|nan)"


def typed_number(text: str) -> float | str | None:
    """A number box's text as the answer :func:`exercises.check` gets, on the site and in the
    live widgets alike: ``None`` when empty (not attempted), a float when the text, stripped of
    spaces and with a decimal comma read as a point, is a number in Python's ``float()`` syntax
    (underscores between digits, an exponent, ``inf``, ``nan``), else the text itself (which
    ``check()`` answers with "not a number"). The site's script does the same (``typed`` in ``static/quiz.js``).
    One difference from ``float()``: only ASCII digits count (``float("١")`` is 1.0; a browser's
    regular expression has no portable test for other scripts' digits).

    >>> typed_number(" 0,984 "), typed_number("1_000"), typed_number("-Inf"), typed_number("0x1")
    (0.984, 1000.0, -inf, '0x1')
    """
    raw = text.strip().replace(",", ".")
    if not raw:
        return None
    if re.fullmatch(TYPED_NUMBER, raw) or re.fullmatch(TYPED_SPECIAL, raw, re.I):
        return float(raw)
    return raw
