"""The site and the notebook never disagree: the same answer gets the same verdict, score and
feedback (hint included) from ``check()`` and from the website's quizzes and answer forms.

The site's script looks a choice question's verdict up in a table made by the grader, and applies
a numeric question's rule data (:func:`exercises.scoring.numeric.numeric_rule`) with the twin of
:func:`exercises.render.numbers.fmt_answer`. Here, for every choice and numeric question of the
bank and a set of answers (each option, every subset of a multiple choice, the key, values within
and just outside the tolerance, each known wrong value, non-numbers, ...):

- in Python, the embedded data, applied as the script applies it, gives ``check()``'s verdict;
- in Chromium, the quizzes of all chapters and the answer forms give ``check()``'s status, score
  and text (some answers by real clicks, the rest by the same DOM events from one evaluate);
- the number formatter gives the same text in JavaScript as in Python on a few hundred values
  (its Python side alone is tested in ``test_numbers.py``).
"""

import json
import math
import re
import struct

import pytest

from exercises import check, quiz
from exercises.bank import (
    CHAPTER_TITLES,
    CHAPTERS,
    ChoiceQuestion,
    NumericQuestion,
    Question,
    all_questions,
    get_question,
)
from exercises.render.numbers import FMT_JS, NUMBER, fmt_answer, fmt_digits, typed_number
from exercises.render.quiz import answer_form
from exercises.render.result import verdict, verdict_html
from exercises.scoring import grade, site_data
from exercises.scoring.choice import choice_answers
from tests.exercises._helpers import TYPED, format_cases, numeric_values, tolerance

QUESTIONS = [q for q in all_questions() if q.kind != "code"]
CHOICE = [q for q in QUESTIONS if isinstance(q, ChoiceQuestion)]
NUMERIC = [q for q in QUESTIONS if isinstance(q, NumericQuestion)]


# --------------------------------------------------------------------------- the answer set
# (numeric_values and TYPED are in tests/exercises/_helpers.py: test_numbers.py uses them too)


def answers(q: Question) -> list[str]:
    """What a reader enters on the site: ticked letters, or the text typed in the number box."""
    if isinstance(q, ChoiceQuestion):
        return ["", *choice_answers(q)]
    return [repr(float(v)) for v in numeric_values(q)] + TYPED


def as_check_answer(q: Question, entry: str):
    """The same answer as given to check() (the live widgets pass exactly this)."""
    if isinstance(q, ChoiceQuestion):
        if not entry:
            return None
        return entry if q.kind == "single" else list(entry)
    if entry == "\u0661":
        return entry  # the documented difference: the site takes it as text
    return typed_number(entry)


def test_the_answer_set_covers_the_cases_the_issue_names():
    multiple = [q for q in CHOICE if q.kind == "multiple"]
    partial = [
        (q.id, a)
        for q in multiple
        for a in choice_answers(q)
        if 0 < grade(q, list(a)).score < q.points
    ]
    assert len(partial) >= 19  # every partly right multi-select is in the table
    # every choice and numeric question of the bank (68 when this was written: a floor, so that
    # a bank that lost questions is noticed)
    assert len(CHOICE) + len(NUMERIC) >= 68
    for q in NUMERIC:
        outside = [
            v
            for v in numeric_values(q)
            if not q.is_close(v) and abs(v - q.answer) < 1.01 * tolerance(q, q.answer)
        ]
        assert outside, q.id


# --------------------------------------------------------------------------- Python only


def _site_data(q: Question) -> dict:
    """The data the quiz's script reads, taken from the page as the browser would."""
    page = quiz([q.id])._repr_html_()
    tag = '<script type="application/json" class="lcq-data">'
    start = page.index(tag) + len(tag)
    data, end = json.JSONDecoder().raw_decode(page, start)
    assert page[end:].startswith("</script>")
    return data["questions"][q.id]


def site_verdict(q: Question, d: dict, entry: str):
    """The script's steps, in Python: the verdict it shows, or None for its "enter/choose" note."""
    if d["kind"] != "numeric":
        return d["table"][entry] if entry else None
    x = typed_number(entry) if entry != "\u0661" else entry
    if x is None:
        return None
    if isinstance(x, str):
        return d["text"]
    if math.isnan(x):
        return d["nan"]

    def close(t):
        return abs(x - t) <= max(d["abs_tol"], d["rel_tol"] * abs(t))

    if close(d["answer"]):
        v, shown = d["right"], fmt_answer(x)
    else:
        v = next((o for t, o in d["wrong"] if close(t)), d["other"])
        shown = fmt_answer(x, d["answer"])
    return [*v[:3], v[3].replace(NUMBER, shown)]


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_the_embedded_data_gives_checks_verdict(q):
    d = _site_data(q)
    if isinstance(q, ChoiceQuestion):
        assert set(d["table"]) == set(choice_answers(q))
    for entry in answers(q):
        r = check(q.id, as_check_answer(q, entry))
        got = site_verdict(q, d, entry)
        if got is None:
            assert r.status == "not_attempted", entry
            continue
        assert got == json.loads(json.dumps(verdict(r))), (q.id, entry)


def _text(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", "", fragment)
    return " ".join(text.replace("&#x27;", "'").replace("&quot;", '"').split())


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_the_sites_verdict_reads_as_checks_result(q):
    for entry in answers(q):
        answer = as_check_answer(q, entry)
        if answer is None:
            continue
        r = check(q.id, answer)
        result = r._repr_html_().replace(f"<code>{q.id}</code>", "", 1)
        assert _text(verdict_html(r)) == _text(result), (q.id, entry)


def test_the_number_placeholder_is_in_no_bank_text():
    for q in NUMERIC:
        texts = [q.explanation, *q.hints, *(fb for _, fb in q.wrong_values)]
        assert not any(NUMBER in t for t in texts), q.id


# --------------------------------------------------------------------------- in Chromium

PAGE_HEAD = '<!doctype html><html><head><meta charset="utf-8"><title>parity</title></head><body>'

#: Enter each answer (tick the letters, or type the text), click Check, read the feedback.
EVALUATE = """async (cases) => {
  const out = [];
  for (const [qid, entry] of cases) {
    const q = document.querySelector(`.lcq-question[data-qid="${qid}"]`);
    const box = q.querySelector('.lcq-feedback');
    const text = q.querySelector('input[type=text]');
    if (text) { text.value = entry; }
    else { q.querySelectorAll('input').forEach(i => { i.checked = entry.includes(i.value); }); }
    box.className = 'lcq-feedback';
    box.textContent = '';
    q.querySelector('button.lcq-check').click();
    out.push([box.className, box.getAttribute('data-score'), box.getAttribute('data-max-score'),
              box.textContent]);
  }
  return out;
}"""

#: check()'s Result HTML as text, without the question id (the site's question title shows it).
RESULT_TEXT = """(htmls) => htmls.map(h => {
  const t = document.createElement('template');
  t.innerHTML = h;
  const top = t.content.firstElementChild, code = top.querySelector(':scope > code');
  if (code) { code.remove(); }
  return top.textContent;
})"""


def _form(q: Question) -> str:
    """The answer form a "not attempted yet" verdict carries for the site."""
    return answer_form(q, site_data(q), CHAPTER_TITLES[q.chapter])


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    """One page with the quizzes of all chapters, one with every answer form (as on the site)."""
    folder = tmp_path_factory.mktemp("site")
    quizzes = folder / "quizzes.html"
    quizzes.write_text(
        PAGE_HEAD + "".join(quiz(c)._repr_html_() for c in CHAPTERS) + "</body></html>",
        encoding="utf-8",
    )
    forms = folder / "forms.html"
    forms.write_text(
        PAGE_HEAD
        + "".join(f'<div class="cell_output">{_form(q)}</div>' for q in QUESTIONS)
        + "</body></html>",
        encoding="utf-8",
    )
    errors, outside = [], []

    def route(r):
        url = r.request.url
        if url.startswith("file://") or re.match(r"https?://127\.0\.0\.1[:/]", url):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    # a context per page: a page in the background of its context gets no animation frames,
    # which Playwright's clicks wait for
    contexts, pages = [], {}
    for name, path in (("quizzes", quizzes), ("forms", forms)):
        context = browser.new_context()
        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        contexts.append(context)
        pages[name] = page
    yield pages, errors, outside
    for context in contexts:
        context.close()


def _norm(text: str) -> str:
    return " ".join(text.split())


def _compare(page, cases):
    """Site and check() on every (question, entry): status class, score and text."""
    got = page.evaluate(EVALUATE, [[q.id, e] for q, e in cases])
    results = [check(q.id, as_check_answer(q, e)) for q, e in cases]
    texts = page.evaluate(RESULT_TEXT, [r._repr_html_() for r in results])
    mismatches = []
    for (q, entry), (cls, score, max_score, text), r, want in zip(
        cases, got, results, texts, strict=True
    ):
        if r.status == "not_attempted":
            ok = cls == "lcq-feedback lcq-info" and score is None
        else:
            want_cls = "lcq-ok" if r.passed else "lcq-bad" + (" lcq-partial" if r.score else "")
            ok = (
                cls == f"lcq-feedback {want_cls}"
                and float(score) == r.score
                and float(max_score) == r.max_score
                and _norm(text) == _norm(want)
            )
        if not ok:
            mismatches.append(
                (q.id, entry, cls, score, _norm(text), r.status, r.score, _norm(want))
            )
    assert not mismatches, f"{len(mismatches)} of {len(cases)} differ, e.g. {mismatches[:3]}"


ALL_CASES = [(q, e) for q in QUESTIONS for e in answers(q)]


def test_every_answer_gets_checks_verdict_on_the_quiz_pages(site):
    (pages, errors, outside) = site
    assert len(ALL_CASES) > 900
    _compare(pages["quizzes"], ALL_CASES)
    assert errors == [] and outside == []


def test_every_answer_gets_checks_verdict_in_the_answer_forms(site):
    (pages, errors, outside) = site
    assert pages["forms"].locator(".lcq-site-only .losscourse-quiz").count() == len(QUESTIONS)
    _compare(pages["forms"], ALL_CASES)
    assert errors == [] and outside == []


def _click_cases():
    """Per question: a wrong or partly right answer and the key, plus the issue's examples."""
    cases = []
    for q in QUESTIONS:
        if isinstance(q, ChoiceQuestion):
            right = "".join(sorted(q.letter(o) for o in q.options if o.correct))
            if q.kind == "single":
                wrong = next(a for a in choice_answers(q) if a != right)
            else:  # a partly right one
                wrong = next(a for a in choice_answers(q) if 0 < grade(q, list(a)).score < q.points)
            cases += [(q, wrong), (q, right)]
        else:
            cases += [
                (q, repr(q.answer + 1.5 * tolerance(q, q.answer))),
                (q, repr(float(q.answer))),
            ]
    outlier = get_question("regression.outlier_gradient_mse")
    huber = get_question("regression.outlier_gradient_huber")
    return cases + [(outlier, "200.0003"), (outlier, "207,97"), (huber, "1.0000015")]


def test_real_clicks_give_checks_verdict_and_record_the_score(site):
    (pages, errors, _) = site
    page = pages["quizzes"]
    page.evaluate("() => window.localStorage.clear()")
    for q, entry in _click_cases():
        box = f"#lcq-{q.id.replace('.', '-')}"
        if isinstance(q, ChoiceQuestion):
            for o in q.display_options:
                letter = q.letter(o)
                if letter in entry:
                    page.check(f"{box} input[value={letter}]")
                elif q.kind == "multiple":
                    page.uncheck(f"{box} input[value={letter}]")
        else:
            page.fill(f"{box} input", entry)
        page.eval_on_selector(f"{box} .lcq-feedback", "b => { b.className = 'lcq-feedback'; }")
        page.click(f"{box} button.lcq-check")
        page.wait_for_function(
            "(sel) => /lcq-(ok|bad|info)/.test(document.querySelector(sel).className)",
            arg=f"{box} .lcq-feedback",
        )
        feedback = page.locator(f"{box} .lcq-feedback")
        r = check(q.id, as_check_answer(q, entry))
        want = page.evaluate(RESULT_TEXT, [r._repr_html_()])[0]
        assert _norm(feedback.text_content()) == _norm(want), (q.id, entry)
        assert float(feedback.get_attribute("data-score")) == r.score
        stored = page.evaluate(
            "(qid) => JSON.parse(localStorage.getItem('losscourse-progress'))[qid]", q.id
        )
        assert stored["best_score"] >= r.score and stored["max_score"] == r.max_score
    shown = page.locator("#lcq-regression-outlier_gradient_mse .lcq-feedback").text_content()
    assert "207.97 is not right." in shown  # the last entry: a decimal comma
    two = get_question("imbalanced.small_object_losses")
    partly = next(a for a in choice_answers(two) if 0 < check(two.id, list(a)).score < two.points)
    page.evaluate("() => window.localStorage.clear()")
    for letter in "abcde"[: len(two.options)]:
        page.uncheck(f"#lcq-imbalanced-small_object_losses input[value={letter}]")
    for letter in partly:
        page.check(f"#lcq-imbalanced-small_object_losses input[value={letter}]")
    page.click("#lcq-imbalanced-small_object_losses button.lcq-check")
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('losscourse-progress'))")
    assert stored["imbalanced.small_object_losses"] == {
        "passed": False,
        "best_score": check(two.id, list(partly)).score,
        "max_score": two.points,
        "mastered": False,  # the book's version: not a fresh one
    }
    assert errors == []


def _bits(x: float | None) -> str | None:
    return None if x is None else struct.pack(">d", x).hex()


def test_the_formatter_is_the_same_in_javascript(site):
    (pages, _, _) = site
    cases = format_cases()
    assert len(cases) >= 300
    got = pages["quizzes"].evaluate(
        "(cases) => {"
        + FMT_JS
        + """
          function num(hex) {
            if (hex === null) { return null; }
            const view = new DataView(new ArrayBuffer(8));
            view.setUint32(0, parseInt(hex.slice(0, 8), 16));
            view.setUint32(4, parseInt(hex.slice(8), 16));
            return view.getFloat64(0);
          }
          return cases.map(([x, key]) => {
            const digits = [];
            for (let p = 1; p <= 17; p++) { digits.push(fmtDigits(num(x), p)); }
            return [fmtAnswer(num(x), num(key)), digits];
          });
        }""",
        [[_bits(x), _bits(key)] for x, key in cases],
    )
    want = [[fmt_answer(x, key), [fmt_digits(x, p) for p in range(1, 18)]] for x, key in cases]
    differ = [(c, g, w) for c, g, w in zip(cases, got, want, strict=True) if g != w]
    assert not differ, f"{len(differ)} of {len(cases)} differ, e.g. {differ[:3]}"
