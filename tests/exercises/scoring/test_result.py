"""A :class:`~exercises.scoring.Result` shows itself: as text, as an HTML box (feedback escaped,
partial scores with two decimals), and as data in the output's metadata, also through IPython's
formatter."""

import pytest

from exercises import MIME_TYPE, Result, check
from tests.exercises._helpers import huber_ok


def returns_none(*args):
    x = 1  # noqa: F841
    return None


def test_result_text_html_and_mimebundle():
    r = check("regression.implement_huber", huber_ok)
    text = str(r)
    assert text.startswith("✓ Correct: regression.implement_huber (3/3 points)")
    assert repr(r) == text
    html = r._repr_html_()
    assert "✓ Correct" in html and "regression.implement_huber" in html and "#2f7bd6" in html
    data, metadata = r._repr_mimebundle_()
    assert data == {}  # no unrenderable custom MIME type among the displayed data
    assert metadata[MIME_TYPE]["passed"] is True and metadata[MIME_TYPE]["score"] == 3.0
    assert Result.from_dict(metadata[MIME_TYPE]).to_dict() == r.to_dict()

    bad = check("regression.implement_huber", returns_none)
    assert str(bad).startswith("✗ Not yet") and "Hint:" in str(bad)
    assert "✗ Not yet" in bad._repr_html_() and "#d9822b" in bad._repr_html_()
    partial = check("imbalanced.small_object_losses", ["focal"])
    assert "✗ Partly right" in str(partial)
    todo = check("regression.implement_huber", ...)
    assert "… Not attempted yet" in todo._repr_html_()
    assert "<script" not in html


def test_html_escapes_feedback():
    r = Result("x.y", "x", "single", "failed", 0, 1, "<b>not bold</b> `a<b`", "")
    html = r._repr_html_()
    assert "<b>not bold</b>" not in html and "&lt;b&gt;" in html and "<code>a&lt;b</code>" in html


def test_partial_scores_show_two_decimals():
    r = Result("q.x", "regression", "code", "failed", 3 * 1 / 7, 3.0, "3 of 7 cases")
    assert "(0.43/3 points)" in str(r) and "0.43/3 points" in r._repr_html_()


def test_result_renders_through_ipython_formatter():
    IPython = pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter

    fmt = DisplayFormatter()
    r = check("regression.outlier_loss", "huber")
    data, metadata = fmt.format(r)
    assert set(data) == {"text/plain", "text/html"}
    assert metadata[MIME_TYPE]["passed"] is True
    assert data["text/plain"].startswith("✓ Correct")
    assert IPython is not None
