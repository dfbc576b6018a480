"""The static-page quiz: deterministic, self-contained HTML that works in a real browser."""

import re

import pytest

from exercises import _core, quiz
from exercises._quiz import markdown_to_html
from tests._exercises_helpers import isolated_progress  # noqa: F401  (autouse fixture)


@pytest.mark.parametrize("chapter", _core.CHAPTERS)
def test_quiz_html_is_deterministic_and_self_contained(chapter):
    a, b = quiz(chapter)._repr_html_(), quiz(chapter)._repr_html_()
    assert a == b
    assert "http://" not in a and "https://" not in a and "src=" not in a
    for q in _core.all_questions(chapter):
        assert f'id="lcq-{q.id.replace(".", "-")}"' in a
    ids = re.findall(r'\bid="([^"]+)"', a)
    assert len(ids) == len(set(ids)), "element ids must be unique"


def test_quiz_selection():
    assert [q.id for q in quiz(["regression.outlier_loss", "imbalanced.two_losses"]).questions] == [
        "regression.outlier_loss",
        "imbalanced.two_losses",
    ]
    assert len(quiz("regression.outlier_loss").questions) == 1
    mixed = quiz("mixed")
    assert {q.chapter for q in mixed.questions} == set(_core.CHAPTERS)
    assert all(q.kind != "code" for q in quiz("regression", include_code=False).questions)
    with pytest.raises(KeyError, match="regression"):
        quiz("regresion")
    with pytest.raises(KeyError, match="Did you mean"):
        quiz("regression.outlier_los")


def test_code_questions_show_their_prompt_and_the_check_call():
    html = quiz("regression")._repr_html_()
    assert "check(&quot;regression.implement_huber&quot;, your_function)" in html
    text = str(quiz("regression"))
    assert text.startswith("Quiz: Regression losses (8 questions)")
    assert "'huber': Huber loss" in text


def test_markdown_math_and_escaping():
    html = markdown_to_html("A `x<1` and **b** with $a<b$\n\n$$\\sum_i x_i$$")
    assert html == (
        "<p>A <code>x&lt;1</code> and <strong>b</strong> with \\(a&lt;b\\)</p><p>\\[\\sum_i x_i\\]</p>"
    )


def test_script_cannot_be_closed_by_the_data():
    html = quiz("mixed")._repr_html_()
    script = html[html.index("<script>") :]
    assert script.count("</script>") == 1


# --------------------------------------------------------------------------- in a real browser


@pytest.fixture
def page_with(browser, tmp_path):
    pages = []

    def open_quiz(*selections):
        body = "".join(quiz(s)._repr_html_() for s in selections)
        path = tmp_path / "quiz.html"
        path.write_text(
            f'<!doctype html><html><head><meta charset="utf-8"><title>quiz</title></head>'
            f"<body>{body}</body></html>",
            encoding="utf-8",
        )
        page = browser.new_page()
        errors, requests = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        def route(r):
            requests.append(r.request.url)
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        page.goto(path.as_uri())
        pages.append(page)
        return page, errors, requests

    yield open_quiz
    for p in pages:
        p.close()


def _feedback(page, qid):
    return page.locator(f"#lcq-{qid.replace('.', '-')} .lcq-feedback").inner_text()


def test_single_choice_in_the_browser(page_with):
    page, errors, requests = page_with("regression")
    box = "#lcq-regression-outlier_loss"
    page.click(f"{box} button.lcq-check")
    assert "Choose an option first" in _feedback(page, "regression.outlier_loss")
    page.check(f"{box} input[value=mse]")
    page.click(f"{box} button.lcq-check")
    fb = _feedback(page, "regression.outlier_loss")
    assert fb.startswith("✗ Not quite.") and "More training does not help" in fb and "Hint:" in fb
    page.check(f"{box} input[value=huber]")
    page.click(f"{box} button.lcq-check")
    fb = _feedback(page, "regression.outlier_loss")
    assert fb.startswith("✓ Correct.") and "capped at δ" in fb
    assert errors == []
    assert all(u.startswith("file://") for u in requests)


def test_multiple_choice_and_numeric_in_the_browser(page_with):
    page, errors, _ = page_with("imbalanced")
    box = "#lcq-imbalanced-two_losses"
    page.check(f"{box} input[value=focal]")
    page.click(f"{box} button.lcq-check")
    assert "1 correct option(s) missing" in _feedback(page, "imbalanced.two_losses")
    page.check(f"{box} input[value=dice]")
    page.click(f"{box} button.lcq-check")
    assert _feedback(page, "imbalanced.two_losses").startswith("✓ Correct.")

    box = "#lcq-imbalanced-background_accuracy"
    page.fill(f"{box} input", "98.4")
    page.click(f"{box} button.lcq-check")
    fb = _feedback(page, "imbalanced.background_accuracy")
    assert fb.startswith("✗ Not quite.") and "fraction" in fb
    page.fill(f"{box} input", "0,984")  # a decimal comma is understood
    page.press(f"{box} input", "Enter")
    assert _feedback(page, "imbalanced.background_accuracy").startswith("✓ Correct.")
    page.fill(f"{box} input", "abc")
    page.click(f"{box} button.lcq-check")
    assert "Enter a number" in _feedback(page, "imbalanced.background_accuracy")
    assert errors == []


def test_two_quizzes_on_one_page_work_independently(page_with):
    page, errors, _ = page_with("distributions", "mixed")
    page.check("#lcq-distributions-zero_in_q input[value=infinite]")
    page.click("#lcq-distributions-zero_in_q button.lcq-check")
    assert _feedback(page, "distributions.zero_in_q").startswith("✓ Correct.")
    # in the mixed quiz (the second block on the page)
    page.check("#lcq-closing-choose_vae input[value=mse]")
    page.click("#lcq-closing-choose_vae button.lcq-check")
    assert _feedback(page, "closing.choose_vae").startswith("✗ Not quite.")
    assert errors == []


def test_multiple_choice_says_so_once_in_html_and_in_text():
    from exercises import quiz

    q = quiz("imbalanced.two_losses")
    assert q.html.count("Choose all that apply") == 1
    assert "Choose all that apply" in str(q)
    single = quiz("regression.outlier_loss")
    assert "Choose all that apply" not in single.html and "Choose all" not in str(single)
