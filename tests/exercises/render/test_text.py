"""The bank's Markdown subset as HTML (:mod:`exercises.render.text`): code, bold and maths, with
everything escaped."""

from exercises.render.text import markdown_to_html


def test_markdown_math_and_escaping():
    html = markdown_to_html("A `x<1` and **b** with $a<b$\n\n$$\\sum_i x_i$$")
    assert html == (
        "<p>A <code>x&lt;1</code> and <strong>b</strong> with \\(a&lt;b\\)</p><p>\\[\\sum_i x_i\\]</p>"
    )
