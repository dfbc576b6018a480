r"""A quiz that works on the static website: no kernel, no network, no external script.

:func:`quiz` renders choice and numeric questions from the bank as plain HTML with a small inline
script: radio buttons (one answer), checkboxes (several) or a number box, a **Check** button, and a
feedback line that starts with "✓ Correct" or "✗ Not quite" (words and symbols, not colour alone)
followed by the same feedback and hint :func:`exercises.check` gives. Code questions are shown with
their prompt and the ``check(...)`` call to run in the notebook.

Why not ``jupyterquiz``: it logs a console error on a page without its MathJax and loads its
questions through extra script machinery; this module needs ~60 lines of JavaScript, inlines
everything, and is driven by the same bank as ``check``.

The HTML is deterministic (element ids are derived from the question ids, never random), so a
notebook output holding it compares equal under nbval. Math in prompts is written ``$...$`` in the
bank and emitted as ``\(...\)`` inside an element with class ``mathjax_process``, which the book's
MathJax typesets; the script asks MathJax to typeset the feedback it inserts, when MathJax exists.
Stable hooks (the site's browser test relies on them): the quiz is a ``div.losscourse-quiz``;
each answerable question a ``div.lcq-question[data-qid]`` with id ``lcq-<chapter>-<name>``, its
inputs, a ``button.lcq-check`` and a ``div.lcq-feedback`` that gets the class ``lcq-ok`` (right),
``lcq-bad`` (wrong) or ``lcq-info`` (nothing chosen yet) after Check.

The answers are in the page's source: this is a self-check for readers, not an exam (grade exams
with ``python -m exercises grade``).

>>> q = quiz("regression")
>>> 'id="lcq-regression-outlier_loss"' in q._repr_html_()
True
>>> print(str(q).splitlines()[0])
Quiz: Regression losses (8 questions)
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable
from typing import Any

from . import _core
from ._values import fmt_number

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


def _inline(text: str) -> str:
    """Markdown without the surrounding paragraph (for option labels and feedback)."""
    out = markdown_to_html(text)
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return out


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


def _question_data(q: _core.Question) -> dict[str, Any]:
    hint = _inline(q.hints[0]) if q.hints else ""
    if isinstance(q, _core.ChoiceQuestion):
        return {
            "kind": q.kind,
            "options": {
                o.key: {"correct": o.correct, "feedback": _inline(o.feedback)} for o in q.options
            },
            "explanation": _inline(q.explanation),
            "hint": hint,
        }
    if isinstance(q, _core.NumericQuestion):
        return {
            "kind": "numeric",
            "answer": q.answer,
            "abs_tol": q.abs_tol,
            "rel_tol": q.rel_tol,
            "wrong": [[v, _inline(fb)] for v, fb in q.wrong_values],
            "explanation": _inline(q.explanation),
            "hint": hint,
        }
    return {"kind": "code"}


_STYLE = """<style>
.losscourse-quiz{margin:0.6em 0;font-size:0.95em;line-height:1.5}
.losscourse-quiz .lcq-question{border:1px solid #c8ccd0;border-radius:6px;padding:0.6em 0.9em;
margin:0.7em 0;background:#fbfbfc;color:#1f1f1f}
.losscourse-quiz .lcq-title{margin:0 0 0.3em 0;font-weight:600}
.losscourse-quiz .lcq-id{font-weight:normal;color:#555;font-size:0.85em}
.losscourse-quiz fieldset{border:0;margin:0.3em 0;padding:0}
.losscourse-quiz label{display:block;margin:0.2em 0;cursor:pointer}
.losscourse-quiz .lcq-sr{position:absolute;left:-9999px}
.losscourse-quiz button{margin-top:0.3em;padding:0.2em 0.9em;border:1px solid #555;
border-radius:4px;background:#fff;color:#1f1f1f;cursor:pointer}
.losscourse-quiz .lcq-feedback{margin-top:0.4em;padding:0.3em 0.6em;border-radius:4px}
.losscourse-quiz .lcq-feedback:empty{display:none}
.losscourse-quiz .lcq-ok{border-left:5px solid #0b5cad;background:#eaf2fb}
.losscourse-quiz .lcq-bad{border-left:5px solid #b35900;background:#fdf1e6}
.losscourse-quiz .lcq-info{border-left:5px solid #5f6368;background:#f3f3f3}
</style>"""

_SCRIPT = """<script>
(function () {
  var root = document.currentScript ? document.currentScript.parentNode : null;
  if (!root || !root.querySelectorAll) { root = document.getElementById(%(root_id)s); }
  if (!root || root.getAttribute("data-lcq-ready")) { return; }
  root.setAttribute("data-lcq-ready", "1");
  var DATA = %(data)s;
  function show(box, cls, html) {
    box.className = "lcq-feedback " + cls;
    box.innerHTML = html;
    if (window.MathJax && window.MathJax.typesetPromise) { window.MathJax.typesetPromise([box]).catch(function () {}); }
  }
  function close(x, target, atol, rtol) { return Math.abs(x - target) <= Math.max(atol, rtol * Math.abs(target)); }
  function grade(qbox) {
    var d = DATA[qbox.getAttribute("data-qid")];
    var box = qbox.querySelector(".lcq-feedback");
    var hint = d.hint ? " <strong>Hint:</strong> " + d.hint : "";
    var OK = "<strong>\\u2713 Correct.</strong> ", BAD = "<strong>\\u2717 Not quite.</strong> ";
    if (d.kind === "single") {
      var sel = qbox.querySelector("input:checked");
      if (!sel) { show(box, "lcq-info", "Choose an option first."); return; }
      var o = d.options[sel.value];
      if (o.correct) { show(box, "lcq-ok", OK + o.feedback + " " + d.explanation); }
      else { show(box, "lcq-bad", BAD + o.feedback + hint); }
    } else if (d.kind === "multiple") {
      var picked = qbox.querySelectorAll("input:checked"), wrong = [], right = 0, total = 0, k, i;
      for (k in d.options) { if (d.options[k].correct) { total += 1; } }
      if (!picked.length) { show(box, "lcq-info", "Choose at least one option."); return; }
      for (i = 0; i < picked.length; i++) {
        var opt = d.options[picked[i].value];
        if (opt.correct) { right += 1; } else { wrong.push(opt.feedback); }
      }
      if (!wrong.length && right === total) {
        var fb = [];
        for (i = 0; i < picked.length; i++) { fb.push(d.options[picked[i].value].feedback); }
        show(box, "lcq-ok", OK + fb.join(" ") + " " + d.explanation);
      } else {
        var msg = wrong.join(" ");
        if (right < total) { msg += (msg ? " " : "") + (total - right) + " correct option(s) missing."; }
        show(box, "lcq-bad", BAD + msg + hint);
      }
    } else if (d.kind === "numeric") {
      var raw = qbox.querySelector("input").value.trim().replace(",", ".");
      var x = Number(raw);
      if (raw === "" || !isFinite(x)) { show(box, "lcq-info", "Enter a number."); return; }
      if (close(x, d.answer, d.abs_tol, d.rel_tol)) { show(box, "lcq-ok", OK + d.explanation); return; }
      for (var j = 0; j < d.wrong.length; j++) {
        if (close(x, d.wrong[j][0], d.abs_tol, d.rel_tol)) { show(box, "lcq-bad", BAD + d.wrong[j][1]); return; }
      }
      show(box, "lcq-bad", BAD + "That is not the expected value." + hint);
    }
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


class Quiz:
    """A set of questions rendered for the static page (``_repr_html_``) or as text (``str``)."""

    def __init__(self, questions: list[_core.Question], title: str) -> None:
        self.questions = questions
        self.title = title
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
                f'value="{html.escape(o.key)}"> {_inline(o.text)}</label>'
                for i, o in enumerate(q.options)
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
        script = _SCRIPT % {"root_id": json.dumps(self.root_id), "data": payload}
        body = "".join(self._question_html(i + 1, q) for i, q in enumerate(self.questions))
        return (
            f'<div class="losscourse-quiz mathjax_process tex2jax_process" id="{self.root_id}">'
            f"{_STYLE}{body}{script}</div>"
        )

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
                for o in q.options:
                    lines.append(f"   - {o.key!r}: {o.text}")
            if q.kind == "code":
                lines.append(f'   Answer with check("{q.id}", your_function).')
            elif q.kind == "multiple":
                lines.append(f'   Choose all that apply: check("{q.id}", ["key", ...]).')
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
    if isinstance(selection, str) and selection in _core.CHAPTER_TITLES:
        title = _core.CHAPTER_TITLES[selection]
    elif selection == "mixed":
        title = "Mixed quiz"
    else:
        title = "Selected questions"
    return Quiz(qs, title)
