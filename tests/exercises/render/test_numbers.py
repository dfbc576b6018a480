"""Numbers on the site (:mod:`exercises.render.numbers`): a typed number is read as Python's
``float`` reads ASCII text, and the formatter shows a wrong number unlike the key and rounds as
Python's ``g`` does (but for exact ties, as JavaScript does). That its JavaScript twin writes the
same text is tested in Chromium by ``test_site_parity.py``."""

import decimal
import math

from exercises.render.numbers import fmt_answer, fmt_digits, typed_number
from tests.exercises._helpers import TYPED, format_cases


def test_typed_number_is_pythons_float_on_ascii_text():
    for text in [*TYPED, "12", "-0", "1e-7", "1E+16", "  3.25  ", "1_000.000_1", "-1e-3_0"]:
        raw = text.strip().replace(",", ".")
        got = typed_number(text)
        if not raw:
            assert got is None
            continue
        try:
            want = float(raw) if raw.isascii() else raw
        except ValueError:
            want = raw
        if isinstance(want, float) and math.isnan(want):
            assert isinstance(got, float) and math.isnan(got)
        else:
            assert got == want and type(got) is type(want), (text, got, want)


def test_the_formatter_shows_a_wrong_number_unlike_the_key():
    assert fmt_answer(200.0003, 200.0) == "200.0003" and fmt_answer(200.0003) == "200"
    assert fmt_answer(1.0000015, 1.0) != "1"
    for x, key in format_cases():
        if key is not None and x != key and not math.isnan(x):
            assert fmt_answer(x, key) != fmt_answer(key), (x, key)
    # Python's 'g', except on an exact tie (rounded away from zero, as JavaScript does)
    assert fmt_digits(0.125, 2) == "0.13" and f"{0.125:.2g}" == "0.12"
    for x, _ in format_cases():
        for p in (1, 2, 6, 12, 17):
            if fmt_digits(x, p) != f"{x:.{p}g}":
                assert _exact_tie(x, p), (x, p)


def _exact_tie(x: float, p: int) -> bool:
    """True when ``x``'s exact decimal value lies halfway between two ``p``-digit numbers."""
    with decimal.localcontext(decimal.Context(prec=2000)):
        d = decimal.Decimal(abs(x))
        twice = d.scaleb(p - 1 - d.adjusted()) * 2
        return twice == twice.to_integral_value() and int(twice) % 2 == 1
