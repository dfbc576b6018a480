"""The static-page quiz: deterministic, self-contained HTML that works in a real browser."""

import html
import re

import pytest

import exercises
from exercises import bank, quiz
from exercises.bank import CHAPTERS, ChoiceQuestion, all_questions, get_question
from exercises.render.text import plain_text


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_quiz_html_is_deterministic_and_self_contained(chapter):
    a, b = quiz(chapter)._repr_html_(), quiz(chapter)._repr_html_()
    assert a == b
    assert "http://" not in a and "https://" not in a and "src=" not in a
    for q in all_questions(chapter):
        assert f'id="lcq-{q.id.replace(".", "-")}"' in a
    ids = re.findall(r'\bid="([^"]+)"', a)
    assert len(ids) == len(set(ids)), "element ids must be unique"


def test_code_questions_show_their_prompt_and_the_check_call():
    html = quiz("regression")._repr_html_()
    assert "check(&quot;regression.implement_huber&quot;, your_function)" in html
    text = str(quiz("regression"))
    n = len(exercises.questions("regression"))
    assert text.startswith(f"Quiz: Regression losses ({n} questions)")
    assert "(d) Huber loss" in text  # options shown by neutral letters, not by their keys


def test_script_cannot_be_closed_by_the_data():
    html = quiz("mixed")._repr_html_()
    # the data (a JSON script) and then the quiz's script: each closed once, by its own end tag
    scripts = html[html.index('<script type="application/json" class="lcq-data">') :]
    assert scripts.count("</script>") == 2
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


def _value(qid, key):
    """The neutral letter the page shows for the option with bank key ``key``."""
    q = get_question(qid)
    return q.letter(q.option(key))


def _feedback(page, qid):
    return page.locator(f"#lcq-{qid.replace('.', '-')} .lcq-feedback").inner_text()


def test_single_choice_in_the_browser(page_with):
    page, errors, requests = page_with("regression")
    box = "#lcq-regression-outlier_loss"
    page.click(f"{box} button.lcq-check")
    assert "Choose an option first" in _feedback(page, "regression.outlier_loss")
    page.check(f"{box} input[value={_value('regression.outlier_loss', 'mse')}]")
    page.click(f"{box} button.lcq-check")
    fb = _feedback(page, "regression.outlier_loss")
    assert fb.startswith("✗ Not yet (0/1 point)") and "Gaussian noise is what MSE" in fb
    assert "Hint:" in fb
    page.check(f"{box} input[value={_value('regression.outlier_loss', 'huber')}]")
    page.click(f"{box} button.lcq-check")
    fb = _feedback(page, "regression.outlier_loss")
    assert fb.startswith("✓ Correct (1/1 point)") and "capped at δ" in fb
    assert errors == []
    assert all(u.startswith("file://") for u in requests)


def test_multiple_choice_and_numeric_in_the_browser(page_with):
    page, errors, _ = page_with("imbalanced")
    box = "#lcq-imbalanced-small_object_losses"
    page.check(f"{box} input[value={_value('imbalanced.small_object_losses', 'focal')}]")
    page.click(f"{box} button.lcq-check")
    fb = _feedback(page, "imbalanced.small_object_losses")
    assert fb.startswith("✗ Partly right (1/3 points)") and "2 correct options are missing" in fb
    for key in ("dice", "tversky"):
        page.check(f"{box} input[value={_value('imbalanced.small_object_losses', key)}]")
    page.click(f"{box} button.lcq-check")
    assert _feedback(page, "imbalanced.small_object_losses").startswith("✓ Correct")

    box = "#lcq-imbalanced-background_accuracy"
    page.fill(f"{box} input", "98.4")
    page.click(f"{box} button.lcq-check")
    fb = _feedback(page, "imbalanced.background_accuracy")
    assert fb.startswith("✗ Not yet") and "98.4 is not right." in fb and "fraction" in fb
    page.fill(f"{box} input", "0,984")  # a decimal comma is understood
    page.press(f"{box} input", "Enter")
    assert _feedback(page, "imbalanced.background_accuracy").startswith("✓ Correct")
    page.fill(f"{box} input", "abc")
    page.click(f"{box} button.lcq-check")
    assert "Give a single number" in _feedback(page, "imbalanced.background_accuracy")  # as check()
    page.fill(f"{box} input", "")
    page.click(f"{box} button.lcq-check")
    assert "Enter a number" in _feedback(page, "imbalanced.background_accuracy")
    assert errors == []


def test_two_quizzes_on_one_page_work_independently(page_with):
    page, errors, _ = page_with("distributions", "mixed")
    page.check(
        f"#lcq-distributions-zero_in_q input[value={_value('distributions.zero_in_q', 'infinite')}]"
    )
    page.click("#lcq-distributions-zero_in_q button.lcq-check")
    assert _feedback(page, "distributions.zero_in_q").startswith("✓ Correct")
    # in the mixed quiz (the second block on the page)
    page.check(f"#lcq-closing-choose_vae input[value={_value('closing.choose_vae', 'mse')}]")
    page.click("#lcq-closing-choose_vae button.lcq-check")
    assert _feedback(page, "closing.choose_vae").startswith("✗ Not yet")
    assert errors == []


def test_multiple_choice_says_so_once_in_html_and_in_text():
    from exercises import quiz

    q = quiz("imbalanced.small_object_losses")
    assert q.html.count("Choose all that apply") == 1
    assert "Choose all that apply" in str(q)
    single = quiz("regression.outlier_loss")
    assert "Choose all that apply" not in single.html and "Choose all" not in str(single)


def test_site_progress_is_kept_in_the_browser_and_shown_by_progress(browser, tmp_path):
    # The closing chapter shows progress(); on the site (no kernel, no progress file) it reads
    # what the quizzes stored in the browser.
    import exercises
    from exercises.progress import Progress

    no_file = Progress({}, None, "")._repr_html_()
    assert "<script>" in no_file
    assert "<script>" not in exercises.progress()._repr_html_()  # a reader's kernel: the file
    quiz_page = tmp_path / "quiz.html"
    progress_page = tmp_path / "progress.html"
    head = '<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>'
    quiz_page.write_text(head + quiz("regression")._repr_html_() + "</body></html>", "utf-8")
    progress_page.write_text(head + no_file + "</body></html>", "utf-8")
    page = browser.new_page()
    try:
        page.goto(progress_page.as_uri())
        page.evaluate("() => window.localStorage.clear()")
        page.goto(quiz_page.as_uri())
        box = "#lcq-regression-outlier_loss"
        page.check(f"{box} input[value={_value('regression.outlier_loss', 'mse')}]")
        page.click(f"{box} button.lcq-check")  # wrong first...
        page.check(f"{box} input[value={_value('regression.outlier_loss', 'huber')}]")
        page.click(f"{box} button.lcq-check")  # ...then right: passed counts
        page.fill("#lcq-regression-huber_value input", "12345")
        page.click("#lcq-regression-huber_value button.lcq-check")  # tried, not passed
        page.goto(progress_page.as_uri())
        item = page.locator('li[data-qid="regression.outlier_loss"]').text_content()
        assert "passed" in item
        assert "tried" in page.locator('li[data-qid="regression.huber_value"]').text_content()
        summary = page.locator("summary").first.text_content()
        n = len(exercises.questions("regression"))
        assert summary.endswith(f": 1/{n} passed"), summary
        assert "Kept in this browser" in page.locator(".lcp-where").inner_text()
    finally:
        page.close()


def test_the_run_note_shows_only_where_the_script_does_not_run(page_with):
    html = quiz("regression")._repr_html_()
    assert "Run this cell" in html  # a saved notebook in JupyterLab runs no script: it shows
    page, errors, _ = page_with("regression")
    assert not page.locator(".lcq-run-note").is_visible()
    assert errors == []


# --------------------------------------------------------------------------- in a live kernel


@pytest.fixture
def in_kernel(monkeypatch):
    pytest.importorskip("ipywidgets")
    from exercises.render import quiz as render_quiz

    monkeypatch.setattr(render_quiz, "_in_kernel", lambda: True)


def _parts(question_box):
    head, *inputs, button, verdict = question_box.children
    return head, inputs, button, verdict


def test_in_a_kernel_the_quiz_is_widgets_whose_check_records_progress(in_kernel):
    import exercises

    q = quiz(
        ["regression.outlier_loss", "regression.huber_value", "imbalanced.small_object_losses"]
    )
    bundle = q._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == q.widget().model_id
    assert "text/html" in bundle  # the site still gets the static quiz
    _title, single, numeric, multiple = q.widget().children

    _head, options, button, verdict = _parts(single)
    keys = [o.key for o in get_question("regression.outlier_loss").display_options]
    boxes = {key: row.children[0] for key, row in zip(keys, options, strict=True)}
    boxes["mse"].value = True
    boxes["huber"].value = True  # a single choice keeps one box ticked, like radio buttons
    assert not boxes["mse"].value
    button.click()
    assert "✓ Correct" in verdict.outputs[0]["data"]["text/plain"]

    _head, (text,), button, verdict = _parts(numeric)
    text.value = "not a number"
    button.click()
    assert "✗" in verdict.outputs[0]["data"]["text/plain"]
    assert len(verdict.outputs) == 1  # a new verdict replaces the old one

    _head, options, button, verdict = _parts(multiple)
    button.click()  # nothing ticked yet
    assert "Not attempted" in verdict.outputs[0]["data"]["text/plain"]

    done = exercises.progress()
    assert "regression.outlier_loss" in done.passed
    states = {qid: s for qid, s, _, _ in done.chapters["regression"]}
    assert states["regression.huber_value"] == "tried"


def test_outside_a_kernel_the_quiz_has_no_widget_view():
    assert "application/vnd.jupyter.widget-view+json" not in quiz("regression")._repr_mimebundle_()


def test_an_unattempted_exercise_carries_its_site_form_as_data():
    from exercises import check

    page = check("regression.outlier_loss", ...)._repr_html_()
    host = '<div class="lcq-site-only" data-qid="regression.outlier_loss"></div>'
    assert host in page and '<script type="application/json">' in page
    # no form markup outside the script: a sanitised (untrusted) notebook shows none of it
    assert "<input" not in page.split('<script type="application/json">')[0]
    assert "lcq-site-only" not in check("regression.outlier_loss", "huber")._repr_html_()
    assert "lcq-site-only" not in check("regression.implement_huber", ...)._repr_html_()


def test_the_site_form_is_built_on_a_page_but_not_in_jupyter(browser, tmp_path):
    from exercises import check

    verdict = check("regression.outlier_loss", ...)._repr_html_()
    head = '<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>'
    site = tmp_path / "site.html"
    site.write_text(head + f'<div class="cell_output">{verdict}</div></body></html>', "utf-8")
    lab = tmp_path / "lab.html"
    lab.write_text(head + f'<div class="jp-OutputArea">{verdict}</div></body></html>', "utf-8")
    page = browser.new_page()
    try:
        page.goto(site.as_uri())
        box = "#lcq-regression-outlier_loss"
        page.check(f"{box} input[value={_value('regression.outlier_loss', 'huber')}]")
        page.click(f"{box} button.lcq-check")
        assert _feedback(page, "regression.outlier_loss").startswith("✓ Correct")
        page.goto(lab.as_uri())
        assert page.locator(".losscourse-quiz").count() == 0
    finally:
        page.close()


def test_options_with_maths_have_a_readable_accessible_name():
    """A screen reader reads an option by its aria-label: the text with its maths as plain text
    (MathJax's own reading of ½r² is "1 2 r 2")."""
    from exercises.render.text import MATH

    found = 0
    for q in all_questions():
        if not isinstance(q, ChoiceQuestion):
            continue
        page = quiz([q.id])._repr_html_()
        for o in q.display_options:
            labels = re.findall(
                rf'id="lcq-{re.escape(q.id).replace(".", "-")}-\d+"[^>]*value="{q.letter(o)}"'
                r'(?: aria-label="([^"]*)")?',
                page,
            )
            assert labels, (q.id, o.key)
            if MATH.search(o.text):
                found += 1
                name = html.unescape(labels[0])
                assert name.startswith(f"({q.letter(o)}) "), name
                assert not re.search(r"[\\${}]", name), name  # no TeX left (x_i, r^2 read fine)
            else:
                assert labels[0] == "", (q.id, o.key)  # the label's own text is its name
    assert found >= 10


def test_try_another_shows_a_new_version_and_grades_it(page_with):
    from exercises import api
    from exercises.render.numbers import fmt_number

    qid = "regression.pinball_value"
    book = get_question(qid)
    pool = api.site_pool(book)
    assert len(pool) == api.SITE_POOL
    assert len({v.prompt for v, _ in pool} | {book.prompt}) == api.SITE_POOL + 1
    page, errors, requests = page_with([qid])
    box = f"#lcq-{qid.replace('.', '-')}"
    prompt = page.locator(f"{box} .lcq-prompt")
    assert page.get_attribute(box, "data-version") == "0"
    page.click(f"{box} button.lcq-another")
    assert page.get_attribute(box, "data-version") == "1"
    first, data = pool[0]
    assert f"Version 1 of {api.SITE_POOL}" in _feedback(page, qid)
    shown = prompt.inner_text()
    for value in ("q = 0.05", "y = 10", "y = 8"):  # the pool's first version, not the book's
        assert value in first.prompt and value in shown
    # the book's key is wrong for this version (unless they agree), and its own key is right
    if not first.is_close(book.answer):
        page.fill(f"{box} input", fmt_number(book.answer))
        page.click(f"{box} button.lcq-check")
        assert _feedback(page, qid).startswith("✗ Not yet")
    page.fill(f"{box} input", repr(first.answer))
    page.click(f"{box} button.lcq-check")
    assert _feedback(page, qid).startswith("✓ Correct")
    stored = page.evaluate("JSON.parse(localStorage.getItem('losscourse-progress'))")
    assert stored[qid]["passed"] and stored[qid]["mastered"]
    # after the last version, the book's again
    for _ in range(api.SITE_POOL):
        page.click(f"{box} button.lcq-another")
    assert page.get_attribute(box, "data-version") == "0"
    assert page.input_value(f"{box} input") == ""
    page.fill(f"{box} input", fmt_number(book.answer))
    page.click(f"{box} button.lcq-check")
    assert _feedback(page, qid).startswith("✓ Correct")
    assert errors == [] and all(u.startswith("file://") for u in requests)


def test_a_numeric_question_without_variants_has_no_try_another():
    qids = ["closing.howto_huber_gradient", "regression.pinball_value"]
    assert bank.parametric(qids[0]) is None
    html_ = quiz(qids)._repr_html_()
    first = html_[html_.index('id="lcq-closing-howto_huber_gradient"') :]
    first = first[: first.index('id="lcq-regression-pinball_value"')]
    assert "lcq-another" not in first
    assert html_.count('<button type="button" class="lcq-another">') == 1


def test_try_another_shows_a_choice_questions_options_in_another_order(page_with):
    from exercises import api

    qid = "regression.outlier_loss"
    book = get_question(qid)
    pool = api.site_pool(book)
    assert len(pool) == api.SITE_POOL_CHOICE
    page, errors, _ = page_with([qid])
    box = f"#lcq-{qid.replace('.', '-')}"
    for n, (version, _) in enumerate(pool, start=1):
        page.click(f"{box} button.lcq-another")
        assert page.get_attribute(box, "data-version") == str(n)
        labels = page.locator(f"{box} fieldset label").all_inner_texts()
        assert [t.split(")", 1)[1].strip()[:12] for t in labels] == [
            plain_text(o.text)[:12] for o in version.display_options
        ]
        right = version.letter(next(o for o in version.options if o.correct))
        page.check(f"{box} input[value={right}]")
        page.click(f"{box} button.lcq-check")
        assert _feedback(page, qid).startswith("✓ Correct"), n
    page.click(f"{box} button.lcq-another")  # the book's order again
    page.check(f"{box} input[value={_value(qid, 'huber')}]")
    page.click(f"{box} button.lcq-check")
    assert _feedback(page, qid).startswith("✓ Correct")
    assert errors == []


def test_a_version_that_shows_nothing_new_is_not_offered():
    from exercises import api

    # "Same scan ...": its key is 1 for every scan, so another version would look the same
    assert api.site_pool(get_question("imbalanced.background_dice")) == []
    assert api.site_pool(get_question("imbalanced.background_accuracy"))
