"""course.viz.table: the results tables of the chapters."""

import numpy as np
import pytest

from course import viz


def test_numbers_are_formatted_per_column_and_strings_kept():
    t = viz.table(
        [("a", 1.23456, 0.5), ("b", np.float64(2.0), np.nan)],
        ["name", "x", "share"],
        floatfmt=[".2f", ".2f", ".0%"],
    )
    assert t.rows == [["a", "1.23", "50%"], ["b", "2.00", "—"]]


def test_integers_are_not_given_decimals():
    assert viz.table([(3, 0.25)], ["n", "p"]).rows == [["3", "0.250"]]


def test_plain_text_is_aligned():
    text = repr(viz.table([("long name", 1.0), ("x", 10.0)], ["loss", "value"], caption="Results"))
    lines = text.splitlines()
    assert lines[0] == "Results"
    assert lines[1].startswith("loss")
    assert len({len(line) for line in lines[2:]}) == 1  # every row padded to the same width


def test_html_escapes_and_carries_a_caption():
    out = viz.table([("<b>", 1.0)], ["a & b", "v"], caption="x < y")._repr_html_()
    assert "&lt;b&gt;" in out and "a &amp; b" in out and "<caption>x &lt; y</caption>" in out
    assert out.count("<tr>") == 2


def test_shape_errors_are_explained():
    with pytest.raises(ValueError, match="row 0 has 1 cells but there are 2 columns"):
        viz.table([(1.0,)], ["a", "b"])
    with pytest.raises(ValueError, match="floatfmt has 3 formats for 2 columns"):
        viz.table([(1.0, 2.0)], ["a", "b"], floatfmt=[".1f", ".1f", ".1f"])


def test_numbers_are_right_aligned_and_text_left_aligned():
    out = viz.table([("MSE", 2.5, 3)], ["loss", "slope", "n"])._repr_html_()
    cells = out.split("<td")[1:]
    assert "text-align:left" in cells[0]
    assert "text-align:right" in cells[1] and "text-align:right" in cells[2]


@pytest.mark.parametrize(
    ("value", "limit", "shown"),
    [
        (2.4e-11, 1e-8, "< 1e-8"),  # two machines' finite-difference errors...
        (2.8e-11, 1e-8, "< 1e-8"),  # ...print the same
        (-3e-9, 1e-8, "< 1e-8"),  # a signed residual counts by its size
        (1.7e-9, 1e-7, "< 1e-7"),
        (5e-5, 1e-4, "< 1e-4"),
        (1e-8, 1e-8, "1.0e-08 (not below 1e-8)"),  # the bound itself is not below it
        (3e-7, 1e-8, "3.0e-07 (not below 1e-8)"),
        (float("nan"), 1e-8, "nan (not below 1e-8)"),  # a NaN never hides behind the bound
    ],
)
def test_bound_hides_rounding_digits_but_not_a_real_error(value, limit, shown):
    assert viz.bound(value, limit=limit) == shown
