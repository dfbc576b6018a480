r"""A quiz that works on the static website: no kernel, no network, no external script.

:func:`quiz` renders choice and numeric questions from the bank as plain HTML with a small inline
script: radio buttons (one answer), checkboxes (several) or a number box, a **Check** button, and a
feedback element that shows what :func:`exercises.check` would: the same verdict line as its
:class:`~exercises._result.Result` ("✓ Correct", "✗ Partly right" or "✗ Not yet" with the points,
words and symbols, not colour alone), the same feedback and the same hint. Code questions are
shown with their prompt and the ``check(...)`` call to run in the notebook.

The site never re-implements a scoring rule; :func:`exercises._grading.grade` stays the only
place they are written:

- a choice question has finitely many answers, so the page carries the grader's verdict for each
  (every option of a single choice, every non-empty subset of the options of a multiple choice,
  partly right ones included), looked up by the ticked letters;
- a numeric question carries :func:`exercises._grading.numeric_rule` (the key, the tolerances,
  the known wrong values, the outcomes' wording as templates that ``check()`` fills too); the
  script applies its comparison and writes the reader's number with the JavaScript twin of
  :func:`exercises._values.fmt_answer`. The typed text is read as :func:`typed_number` reads it
  (Python's ``float()`` syntax, ASCII digits, a decimal comma allowed); text that is not a number,
  and ``nan``, get the verdict ``check()`` gives them, looked up too.

Nothing chosen, or an empty number box, shows a note ("Choose an option first.", "Enter a
number.") where ``check()`` would say "not attempted yet". ``tests/test_exercises_site_parity.py``
compares the site with ``check()`` in Chromium on every choice and numeric question.

Why not ``jupyterquiz``: it logs a console error on a page without its MathJax and loads its
questions through extra script machinery; this module needs ~90 lines of JavaScript, inlines
everything, and is driven by the same bank and grader as ``check``.

The HTML is deterministic (element ids are derived from the question ids, never random), so a
notebook output holding it compares equal under nbval. Math in prompts is written ``$...$`` in the
bank and emitted as ``\(...\)`` inside an element with class ``mathjax_process``, which the book's
MathJax typesets; the script asks MathJax to typeset the feedback it inserts, when MathJax exists.
Stable hooks (the site's browser test relies on them): the quiz is a ``div.losscourse-quiz``;
each answerable question a ``div.lcq-question[data-qid]`` with id ``lcq-<chapter>-<name>``, its
inputs, a ``button.lcq-check`` and a ``div.lcq-feedback`` that gets the class ``lcq-ok`` (right),
``lcq-bad`` (wrong; with ``lcq-partial`` too when partly right) or ``lcq-info`` (nothing chosen
yet) after Check, and, with a verdict, the attributes ``data-score`` and ``data-max-score``.

Options are shown under neutral letters, ``(a)``, ``(b)``, ..., in each question's display order
(:attr:`exercises._core.ChoiceQuestion.display_options`); the inputs' values are those letters.

In a live kernel the same quiz is also offered as ipywidgets (:meth:`Quiz.widget`), whose Check
buttons call :func:`exercises.check`, so an answer counts in ``progress()``; JupyterLab shows that
view, the book's HTML builder the static one. On the site each answer is kept in the browser's
``localStorage`` (key ``losscourse-progress``, with its score: a partly right answer counts as
its partial score, as in ``progress()``), which ``progress()`` shows on a page built
without a progress file. :func:`answer_form` is the single-question form that a "not attempted
yet" result carries for the site.

The answers are in the page's source: this is a self-check for readers, not an exam (grade exams
with ``python -m exercises grade``).

>>> q = quiz("regression")
>>> 'id="lcq-regression-outlier_loss"' in q._repr_html_()
True
>>> print(str(q).splitlines()[0])  # doctest: +ELLIPSIS
Quiz: Regression losses (... questions)
"""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from typing import Any

from . import _core, _grading
from ._result import _STYLE as _RESULT_STYLE
from ._result import Result, _inline_html
from ._values import FMT_JS, fmt_number

_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
_CODE = re.compile(r"`([^`]+)`")


def markdown_to_html(text: str) -> str:
    r"""Render the small Markdown subset used in the bank: paragraphs, `code`, **bold**, $math$.

    >>> markdown_to_html("Use `np.log` and **mean** of $x^2 < 1$.")
    '<p>Use <code>np.log</code> and <strong>mean</strong> of \\(x^2 &lt; 1\\).</p>'
    """
    stash: list[str] = []

    def keep(fragment: str) -> str:
        stash.append(fragment)
        return f"\x00{len(stash) - 1}\x00"

    text = _CODE.sub(lambda m: keep(f"<code>{html.escape(m.group(1))}</code>"), text)
    text = _MATH.sub(
        lambda m: keep(
            f"\\[{html.escape(m.group(1))}\\]"
            if m.group(1) is not None
            else f"\\({html.escape(m.group(2))}\\)"
        ),
        text,
    )
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    out = "".join(f"<p>{p}</p>" for p in paragraphs)
    return re.sub("\x00(\\d+)\x00", lambda m: stash[int(m.group(1))], out)


_TEX_WORDS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ",
    "phi": "φ", "Delta": "Δ", "Sigma": "Σ",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈",
    "cdot": "·", "times": "×", "to": "→", "infty": "∞", "pm": "±", "in": "∈", "partial": "∂",
    "lVert": "‖", "rVert": "‖", "lvert": "|", "rvert": "|", "mid": "|",
    "sum": "sum ", "log": "log ", "ln": "ln ", "exp": "exp ", "max": "max ", "min": "min ",
    "left": "", "right": "", "big": "", "Big": "", "bigl": "", "bigr": "", "Bigl": "", "Bigr": "",
    "quad": " ", "qquad": " ",
}  # fmt: skip
_TEX_FRAC = re.compile(r"\\[dt]?frac\s*(\{[^{}]*\}|[^\s{}])\s*(\{[^{}]*\}|[^\s{}])")
_TEX_WRAP = re.compile(
    r"\\(?:mathrm|text|operatorname|mathbf|mathbb|mathcal|boldsymbol)\s*\{([^{}]*)\}"
)
_TEX_HAT = re.compile(r"\\(?:hat|widehat)\s*(?:\{([^{}]*)\}|(\w))")


def _unbrace(group: str) -> str:
    inner = group[1:-1] if group.startswith("{") else group
    return inner if re.fullmatch(r"[\w.]+", inner) else f"({inner})"


def math_as_text(tex: str) -> str:
    r"""A formula's TeX as plain text a screen reader can read (the accessible name of a quiz
    option whose text has maths; MathJax's own reading of "½r²" is "1 2 r 2").

    >>> math_as_text(r"\tfrac12 r^2"), math_as_text(r"D_{\mathrm{KL}}(P\|Q) \ne D_{\mathrm{KL}}(Q\|P)")
    ('1/2 r^2', 'D_KL(P‖Q) ≠ D_KL(Q‖P)')
    >>> math_as_text(r"\frac{2\,TP}{2\,TP + FP + FN}"), math_as_text(r"|r| \le \delta")
    ('(2 TP)/(2 TP + FP + FN)', '|r| ≤ δ')
    """
    s = _TEX_WRAP.sub(lambda m: m.group(1), tex)
    s = _TEX_HAT.sub(lambda m: (m.group(1) or m.group(2)) + "\u0302", s)
    s = _TEX_FRAC.sub(lambda m: f"{_unbrace(m.group(1))}/{_unbrace(m.group(2))}", s)
    s = re.sub(r"\\([,;:! ])", " ", s)
    s = s.replace("\\|", "‖").replace("~", " ")
    s = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_WORDS.get(m.group(1), m.group(1)), s)
    s = re.sub(r"([_^])\{([^{}]*)\}", lambda m: m.group(1) + _unbrace("{" + m.group(2) + "}"), s)
    s = s.replace("{", "").replace("}", "")
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", s).strip())


def plain_text(text: str) -> str:
    r"""A bank text (Markdown with `code`, **bold** and $maths$) as plain text, maths included.

    >>> plain_text(r"**Both**: $\hat y = 0.5$ and `np.log`")
    'Both: ŷ = 0.5 and np.log'
    """
    text = _MATH.sub(lambda m: math_as_text(m.group(1) or m.group(2)), text)
    text = _CODE.sub(lambda m: m.group(1), text)
    return re.sub(r"\*\*(.+?)\*\*", r"\1", text)


def inline_markdown(text: str) -> str:
    """Markdown without the surrounding paragraph (for option labels and feedback)."""
    out = markdown_to_html(text)
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return out


def _spoken(letter: str, text: str) -> str:
    """An ``aria-label`` attribute for an option whose text has maths (its plain-text reading)."""
    if not _MATH.search(text):
        return ""  # the label's own text is the accessible name
    return f' aria-label="{html.escape(f"({letter}) {plain_text(text)}")}"'


def _dom_id(question_id: str) -> str:
    return "lcq-" + re.sub(r"[^A-Za-z0-9_-]", "-", question_id)


def resolve(selection: str | Iterable[str]) -> list[_core.Question]:
    """Questions for a chapter id, ``"mixed"``, one question id, or a list of ids."""
    if isinstance(selection, str):
        if selection == "mixed":
            from .closing import MIXED_QUIZ

            return [_core.get_question(i) for i in MIXED_QUIZ]
        if selection in _core.CHAPTERS:
            return _core.all_questions(selection)
        if "." not in selection:
            _core.check_chapter(selection)  # raises a KeyError naming close chapters
        return [_core.get_question(selection)]
    return [_core.get_question(i) for i in selection]


def verdict_html(r: Result) -> str:
    """A :class:`~exercises._result.Result` as the site's feedback element shows it: the symbol,
    words and points of ``Result._repr_html_`` and its feedback and hint, rendered by the same
    code, without the box (the quiz's feedback element is the box) and the question id (the
    question's title shows it)."""
    symbol, words, _, _ = _RESULT_STYLE[r._style_key()]
    parts = [
        f"<strong>{symbol} {words}</strong> "
        f'<span class="lcq-points">({html.escape(r._points())})</span>'
    ]
    if r.feedback:
        parts.append(f'<div class="lcq-fb">{_inline_html(r.feedback)}</div>')
    if r.hint:
        parts.append(f'<div class="lcq-hint"><strong>Hint:</strong> {_inline_html(r.hint)}</div>')
    return "".join(parts)


def _verdict(r: Result) -> list[Any]:
    """``[status, score, max_score, html]``: what the site's script shows and records."""
    return [r.status, r.score, r.max_score, verdict_html(r)]


def choice_answers(q: _core.ChoiceQuestion) -> list[str]:
    """Every answer the site's form can give, as the letters ticked in display order: each
    option of a single choice, every non-empty subset of the options of a multiple choice."""
    letters = [q.letter(o) for o in q.display_options]
    if q.kind == "single":
        return letters
    subsets = (itertools.combinations(letters, n) for n in range(1, len(letters) + 1))
    return ["".join(c) for c in itertools.chain.from_iterable(subsets)]


#: A non-number as the site passes it to the grader: any text that is not a number (the verdict
#: is the same for every string).
NOT_A_NUMBER = "not a number"


def _question_data(q: _core.Question) -> dict[str, Any]:
    """What the site's script needs to answer ``q`` exactly as :func:`exercises.check` does.

    A choice question has finitely many answers: ``table`` maps each (the ticked letters, see
    :func:`choice_answers`) to the verdict :func:`exercises._grading.grade` gives it. A numeric
    question has the data of :func:`exercises._grading.numeric_rule`, each outcome rendered by
    :func:`verdict_html` with :data:`exercises._grading.NUMBER` where the script puts the reader's
    number, plus the verdicts for a text that is not a number and for NaN.
    """
    if isinstance(q, _core.ChoiceQuestion):
        answer = (lambda k: k) if q.kind == "single" else list
        table = {k: _verdict(_grading.grade(q, answer(k))) for k in choice_answers(q)}
        return {"kind": q.kind, "table": table}
    if isinstance(q, _core.NumericQuestion):
        rule = _grading.numeric_rule(q)

        def template(o: dict[str, Any]) -> list[Any]:
            return _verdict(_grading._result(q, o["passed"], o["score"], o["feedback"], o["hint"]))

        return {
            "kind": "numeric",
            "answer": rule["answer"],
            "abs_tol": rule["abs_tol"],
            "rel_tol": rule["rel_tol"],
            "right": template(rule["right"]),
            "wrong": [[value, template(o)] for value, o in rule["wrong"]],
            "other": template(rule["other"]),
            "text": _verdict(_grading.grade(q, NOT_A_NUMBER)),
            "nan": _verdict(_grading.grade(q, float("nan"))),
        }
    return {"kind": "code"}


@functools.cache
def _python_space() -> str:
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
    ``check()`` answers with "not a number"). The site's script does the same (``typed``).
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


# Colours that read on a light and on a dark theme alike: text inherits the page's colour,
# backgrounds are translucent tints, and the verdict never relies on colour alone.
_STYLE = """<style>
.losscourse-quiz{margin:0.6em 0;font-size:0.95em;line-height:1.5}
.losscourse-quiz .lcq-question{border:1px solid rgba(127,127,127,0.45);border-radius:6px;
padding:0.6em 0.9em;margin:0.7em 0;background:rgba(127,127,127,0.06);color:inherit}
.losscourse-quiz .lcq-title{margin:0 0 0.3em 0;font-weight:600}
.losscourse-quiz .lcq-id{font-weight:normal;opacity:0.75;font-size:0.85em}
.losscourse-quiz fieldset{border:0;margin:0.3em 0;padding:0}
.losscourse-quiz label{display:block;margin:0.2em 0;cursor:pointer}
.losscourse-quiz .lcq-sr{position:absolute;left:-9999px}
.losscourse-quiz button{margin-top:0.3em;padding:0.2em 0.9em;border:1px solid currentColor;
border-radius:4px;background:transparent;color:inherit;cursor:pointer}
.losscourse-quiz .lcq-feedback{margin-top:0.4em;padding:0.3em 0.6em;border-radius:4px}
.losscourse-quiz .lcq-feedback:empty{display:none}
.losscourse-quiz .lcq-ok{border-left:5px solid #2f7bd6;background:rgba(47,123,214,0.14)}
.losscourse-quiz .lcq-bad{border-left:5px solid #d9822b;background:rgba(217,130,43,0.16)}
.losscourse-quiz .lcq-info{border-left:5px solid #8a8f96;background:rgba(138,143,150,0.14)}
.losscourse-quiz .lcq-run-note{font-size:0.9em}
.losscourse-quiz .lcq-fb,.losscourse-quiz .lcq-hint{margin-top:0.25em}
</style>"""

_SCRIPT = """<script>
(function () {
  var root = document.currentScript ? document.currentScript.parentNode : null;
  if (!root || !root.querySelectorAll) { root = document.getElementById(%(root_id)s); }
  if (!root || root.getAttribute("data-lcq-ready")) { return; }
  root.setAttribute("data-lcq-ready", "1");
  // Verdicts come from the Python grader: looked up (choice), or the numeric rule's data and
  // wording applied (exercises._grading.numeric_rule, exercises._values.fmt_answer).
  var DATA = %(data)s, NUMBER = %(number)s;
  var SPACE = "[" + %(space)s + "]", TRIM = new RegExp("^" + SPACE + "+|" + SPACE + "+$", "g");
  var NUM = new RegExp("^(?:" + %(num)s + ")$"), SPECIAL = new RegExp("^" + %(special)s + "$", "i");
%(fmt)s
  var note = root.querySelector(".lcq-run-note");
  if (note) { note.style.display = "none"; }
  function record(qid, passed, score, max) {
    // The site's progress, kept in this browser (the closing chapter shows it).
    try {
      var all = JSON.parse(window.localStorage.getItem("losscourse-progress") || "{}");
      var old = all[qid] || {passed: false, best_score: 0};
      all[qid] = {passed: old.passed || passed, best_score: Math.max(old.best_score, score), max_score: max};
      window.localStorage.setItem("losscourse-progress", JSON.stringify(all));
    } catch (e) { /* storage switched off: the verdict still shows */ }
  }
  function show(box, cls, html) {
    box.className = "lcq-feedback " + cls;
    box.innerHTML = html;
    if (window.MathJax && window.MathJax.typesetPromise) { window.MathJax.typesetPromise([box]).catch(function () {}); }
  }
  function info(box, text) {
    box.removeAttribute("data-score");
    box.removeAttribute("data-max-score");
    show(box, "lcq-info", text);
  }
  function verdict(qid, box, v, number) {
    // v: [status, score, max_score, html] as exercises._quiz._verdict makes it
    var html = number === undefined ? v[3] : v[3].split(NUMBER).join(number);
    box.setAttribute("data-score", String(v[1]));
    box.setAttribute("data-max-score", String(v[2]));
    show(box, v[0] === "passed" ? "lcq-ok" : (v[1] > 0 ? "lcq-bad lcq-partial" : "lcq-bad"), html);
    record(qid, v[0] === "passed", v[1], v[2]);
  }
  function typed(text) {
    // exercises._quiz.typed_number: null (empty), a number, or the text (not a number)
    var raw = text.replace(TRIM, "").replace(/,/g, "."), m;
    if (!raw) { return null; }
    m = SPECIAL.exec(raw);
    if (m) { return m[2].toLowerCase() === "nan" ? NaN : (m[1] === "-" ? -Infinity : Infinity); }
    return NUM.test(raw) ? Number(raw.replace(/_/g, "")) : raw;
  }
  function close(x, target, atol, rtol) { return Math.abs(x - target) <= Math.max(atol, rtol * Math.abs(target)); }
  function grade(qbox) {
    var qid = qbox.getAttribute("data-qid"), d = DATA[qid];
    var box = qbox.querySelector(".lcq-feedback"), i;
    if (d.kind === "numeric") {
      var x = typed(qbox.querySelector("input").value);
      if (x === null) { info(box, "Enter a number."); return; }
      if (typeof x === "string") { verdict(qid, box, d.text); return; }
      if (x !== x) { verdict(qid, box, d.nan); return; }
      if (close(x, d.answer, d.abs_tol, d.rel_tol)) { verdict(qid, box, d.right, fmtAnswer(x, null)); return; }
      for (i = 0; i < d.wrong.length; i++) {
        if (close(x, d.wrong[i][0], d.abs_tol, d.rel_tol)) { verdict(qid, box, d.wrong[i][1], fmtAnswer(x, d.answer)); return; }
      }
      verdict(qid, box, d.other, fmtAnswer(x, d.answer));
      return;
    }
    var picked = qbox.querySelectorAll("input:checked"), key = "";
    if (!picked.length) { info(box, d.kind === "single" ? "Choose an option first." : "Choose at least one option."); return; }
    for (i = 0; i < picked.length; i++) { key += picked[i].value; }
    verdict(qid, box, d.table[key]);
  }
  var qs = root.querySelectorAll(".lcq-question[data-qid]");
  for (var n = 0; n < qs.length; n++) {
    (function (qbox) {
      var btn = qbox.querySelector("button.lcq-check");
      if (btn) { btn.addEventListener("click", function () { grade(qbox); }); }
      var inp = qbox.querySelector("input[type=text]");
      if (inp) { inp.addEventListener("keydown", function (e) { if (e.key === "Enter") { grade(qbox); } }); }
    })(qs[n]);
  }
})();
</script>"""


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Shown where the page's scripts do not run (a saved notebook reopened in JupyterLab does not
#: trust its outputs): the Check buttons do nothing until the cell runs; the script hides it.
_RUN_NOTE = (
    '<p class="lcq-run-note"><strong>▶ Run this cell</strong> to answer here: the questions '
    "are checked by the notebook's kernel, and your answers count in "
    "<code>progress()</code>.</p>"
)


def _in_kernel() -> bool:
    """True inside a running IPython kernel, where widgets can be displayed."""
    import sys

    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _question_widget(number: int, q: _core.Question):
    """One question as widgets: prompt, inputs, a Check button and the verdict of check()."""
    import ipywidgets as widgets

    from ._api import check

    head = widgets.HTMLMath(
        f"<p><strong>Question {number}</strong> <small>({html.escape(q.id)}, "
        f"{fmt_number(q.points)} point{'' if q.points == 1 else 's'})</small></p>"
        f"{markdown_to_html(q.prompt)}"
    )
    verdict = widgets.Output()
    if q.kind == "code":
        call = f'check("{q.id}", your_function)'
        note = widgets.HTML(
            f"<p><em>A code exercise: write the function in a cell and run "
            f"<code>{html.escape(call)}</code>.</em></p>"
        )
        return widgets.VBox(
            [head, note],
            layout={
                "border": "1px solid rgba(127,127,127,0.45)",
                "padding": "0.3em 0.8em",
                "margin": "0.4em 0",
            },
        )
    if isinstance(q, _core.ChoiceQuestion):
        shown = q.display_options
        boxes = [
            widgets.Checkbox(value=False, indent=False, layout={"width": "2em"}) for _ in shown
        ]
        labels = [
            widgets.HTMLMath(f"<strong>({q.letter(o)})</strong> {inline_markdown(o.text)}")
            for o in shown
        ]
        if q.kind == "single":  # one box at a time, like radio buttons

            def keep_one(change, boxes=boxes):
                if change["new"]:
                    for other in boxes:
                        if other is not change["owner"]:
                            other.value = False

            for box in boxes:
                box.observe(keep_one, names="value")
        inputs = [widgets.HBox([b, lab]) for b, lab in zip(boxes, labels, strict=True)]
        if q.kind == "multiple":
            inputs.insert(0, widgets.HTML("<em>Choose all that apply.</em>"))

        def answer():
            picked = [q.letter(o) for o, b in zip(shown, boxes, strict=True) if b.value]
            if q.kind == "single":
                return picked[0] if picked else None
            return picked or None
    else:
        box = widgets.Text(placeholder="a number", layout={"width": "12em"})
        inputs = [box]

        def answer():
            return typed_number(box.value)

    button = widgets.Button(description="Check", tooltip=f"check {q.id}")

    def on_click(_button):
        result = check(q.id, answer())
        # The verdict as a display output, built here: Output.append_display_data would create
        # an IPython shell singleton as a side effect.
        data, metadata = {"text/plain": str(result), "text/html": result._repr_html_()}, {}
        metadata.update(result._repr_mimebundle_()[1])
        verdict.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)

    button.on_click(on_click)
    return widgets.VBox(
        [head, *inputs, button, verdict],
        layout={
            "border": "1px solid rgba(127,127,127,0.45)",
            "padding": "0.3em 0.8em",
            "margin": "0.4em 0",
        },
    )


class Quiz:
    """A set of questions rendered for the static page (``_repr_html_``) or as text (``str``)."""

    def __init__(self, questions: list[_core.Question], title: str) -> None:
        self.questions = questions
        self.title = title
        self._widget = None
        digest = hashlib.sha1("|".join(q.id for q in questions).encode()).hexdigest()[:10]
        self.root_id = f"lcq-quiz-{digest}"

    def _question_html(self, number: int, q: _core.Question) -> str:
        dom = _dom_id(q.id)
        head = (
            f'<p class="lcq-title">Question {number} '
            f'<span class="lcq-id">({html.escape(q.id)}, {fmt_number(q.points)} '
            f"point{'' if q.points == 1 else 's'})</span></p>"
        )
        prompt = f'<div class="lcq-prompt">{markdown_to_html(q.prompt)}</div>'
        if isinstance(q, _core.ChoiceQuestion):
            kind = "radio" if q.kind == "single" else "checkbox"
            note = "" if q.kind == "single" else "<p><em>Choose all that apply.</em></p>"
            labels = "".join(
                f'<label for="{dom}-{i}"><input type="{kind}" id="{dom}-{i}" name="{dom}" '
                f'value="{q.letter(o)}"{_spoken(q.letter(o), o.text)}> '
                f"<strong>({q.letter(o)})</strong> {inline_markdown(o.text)}</label>"
                for i, o in enumerate(q.display_options)
            )
            body = (
                f'{note}<fieldset><legend class="lcq-sr">Options for question {number}</legend>'
                f"{labels}</fieldset>"
            )
        elif isinstance(q, _core.NumericQuestion):
            body = (
                f'<label for="{dom}-value">Your answer: <input type="text" inputmode="decimal" '
                f'id="{dom}-value" name="{dom}" size="12" autocomplete="off"></label>'
            )
        else:
            call = f'check("{q.id}", your_function)'
            return (
                f'<div class="lcq-question lcq-codeq" id="{dom}">{head}{prompt}'
                f'<p class="lcq-feedback lcq-info">This is a code exercise: run the notebook and '
                f"call <code>{html.escape(call)}</code> to test your function on many inputs.</p></div>"
            )
        return (
            f'<div class="lcq-question" id="{dom}" data-qid="{html.escape(q.id)}">{head}{prompt}'
            f'{body}<button type="button" class="lcq-check">Check</button>'
            f'<div class="lcq-feedback" role="status" aria-live="polite"></div></div>'
        )

    def _repr_html_(self) -> str:
        data = {q.id: _question_data(q) for q in self.questions if q.kind != "code"}
        payload = json.dumps(data, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")
        script = _SCRIPT % {
            "root_id": json.dumps(self.root_id),
            "data": payload,
            "number": json.dumps(_grading.NUMBER),
            "space": json.dumps(_python_space()),
            "num": json.dumps(TYPED_NUMBER),
            "special": json.dumps(TYPED_SPECIAL),
            "fmt": FMT_JS.strip("\n"),
        }
        body = "".join(self._question_html(i + 1, q) for i, q in enumerate(self.questions))
        return (
            f'<div class="losscourse-quiz mathjax_process tex2jax_process" id="{self.root_id}">'
            f"{_STYLE}{_RUN_NOTE}{body}{script}</div>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        # The site shows the HTML quiz (the book prefers text/html to widgets); a live kernel
        # shows widgets whose Check button calls check(), so a quiz answer counts in progress().
        bundle: dict[str, Any] = {"text/plain": str(self), "text/html": self._repr_html_()}
        if _in_kernel():
            try:
                view = self.widget()._repr_mimebundle_()
            except ImportError:  # no ipywidgets: the HTML quiz still answers, without progress
                view = {}
            if WIDGET_VIEW in view:
                bundle[WIDGET_VIEW] = view[WIDGET_VIEW]
        return bundle

    def widget(self):
        """The quiz as ipywidgets: the same questions, each Check button calling :func:`check`."""
        if self._widget is None:
            import ipywidgets as widgets

            rows = [widgets.HTML(f"<strong>{html.escape(self.title)}</strong>")]
            rows += [_question_widget(i + 1, q) for i, q in enumerate(self.questions)]
            self._widget = widgets.VBox(rows)
            self._widget.add_class("losscourse-quiz-widget")
        return self._widget

    @property
    def html(self) -> str:
        """The self-contained HTML (the same as the notebook shows)."""
        return self._repr_html_()

    def __str__(self) -> str:
        lines = [f"Quiz: {self.title} ({len(self.questions)} questions)"]
        for i, q in enumerate(self.questions, 1):
            lines.append("")
            lines.append(f"{i}. [{q.id}] {q.prompt}")
            if isinstance(q, _core.ChoiceQuestion):
                for o in q.display_options:
                    lines.append(f"   ({q.letter(o)}) {o.text}")
            if q.kind == "code":
                lines.append(f'   Answer with check("{q.id}", your_function).')
            elif q.kind == "multiple":
                lines.append(f'   Choose all that apply: check("{q.id}", ["a", ...]).')
            else:
                lines.append(f'   Answer with check("{q.id}", ...).')
        return "\n".join(lines)

    __repr__ = __str__


def quiz(selection: str | Iterable[str], *, include_code: bool = True) -> Quiz:
    """A quiz of the chosen questions that works on the static site (and in Jupyter).

    ``selection`` is a chapter id (``"regression"``), ``"mixed"`` (the closing chapter's mixed
    quiz), a question id, or a list of question ids. Code questions are listed with their prompt
    unless ``include_code=False``. Display it by making it the last expression of a cell.
    """
    qs = resolve(selection)
    if not include_code:
        qs = [q for q in qs if q.kind != "code"]
    chapters = {q.chapter for q in qs}
    if selection == "mixed":
        title = "Mixed quiz"
    elif len(chapters) == 1:
        title = _core.CHAPTER_TITLES[chapters.pop()]
    else:
        title = "Selected questions"
    return Quiz(qs, title)


#: Builds the site form from its JSON: only where scripts run and the page is not Jupyter's.
_FORM_BUILDER = """<script>
(function () {
  var me = document.currentScript, data = me && me.previousElementSibling;
  var host = data && data.previousElementSibling;
  if (!host || host.closest(".jp-OutputArea, .jp-Cell, .output_area")) { return; }
  var form = JSON.parse(data.textContent).html;
  host.appendChild(document.createRange().createContextualFragment(form));
})();
</script>"""


def answer_form(question_id: str) -> str:
    """The static form of one choice or numeric question, for the site only.

    :func:`exercises.check` adds it under a "not attempted yet" verdict: on the static site (no
    kernel) the reader answers the exercise right where it is asked. The form travels as JSON in
    a ``<script type="application/json">`` and a few lines of script build it, outside Jupyter
    only: a notebook shows only the verdict and the cell to edit. (An HTML ``hidden`` attribute
    would not do: JupyterLab's sanitizer strips it from an untrusted notebook's outputs, and
    drops every ``<script>`` with its content, so there the form is simply absent.)
    """
    q = _core.get_question(question_id)
    if q.kind == "code":
        return ""
    form = Quiz([q], _core.CHAPTER_TITLES[q.chapter])._repr_html_()
    payload = json.dumps({"html": form}, ensure_ascii=False).replace("</", "<\\/")
    return (
        f'<div class="lcq-site-only" data-qid="{html.escape(q.id)}"></div>'
        f'<script type="application/json">{payload}</script>{_FORM_BUILDER}'
    )
