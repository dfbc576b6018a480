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

Options are shown under neutral letters, ``(a)``, ``(b)``, ..., in each question's display order
(:attr:`exercises._core.ChoiceQuestion.display_options`); the inputs' values are those letters.

In a live kernel the same quiz is also offered as ipywidgets (:meth:`Quiz.widget`), whose Check
buttons call :func:`exercises.check`, so an answer counts in ``progress()``; JupyterLab shows that
view, the book's HTML builder the static one. On the site each answer is kept in the browser's
``localStorage`` (key ``losscourse-progress``), which ``progress()`` shows on a page built
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

import hashlib
import html
import json
import re
import unicodedata
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


def _question_data(q: _core.Question) -> dict[str, Any]:
    hint = inline_markdown(q.hints[0]) if q.hints else ""
    if isinstance(q, _core.ChoiceQuestion):
        return {
            "kind": q.kind,
            "points": q.points,
            "options": {
                q.letter(o): {"correct": o.correct, "feedback": inline_markdown(o.feedback)}
                for o in q.display_options
            },
            "explanation": inline_markdown(q.explanation),
            "hint": hint,
        }
    if isinstance(q, _core.NumericQuestion):
        return {
            "kind": "numeric",
            "points": q.points,
            "answer": q.answer,
            "abs_tol": q.abs_tol,
            "rel_tol": q.rel_tol,
            "wrong": [[v, inline_markdown(fb)] for v, fb in q.wrong_values],
            "explanation": inline_markdown(q.explanation),
            "hint": hint,
        }
    return {"kind": "code"}


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
</style>"""

_SCRIPT = """<script>
(function () {
  var root = document.currentScript ? document.currentScript.parentNode : null;
  if (!root || !root.querySelectorAll) { root = document.getElementById(%(root_id)s); }
  if (!root || root.getAttribute("data-lcq-ready")) { return; }
  root.setAttribute("data-lcq-ready", "1");
  var DATA = %(data)s;
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
  function close(x, target, atol, rtol) { return Math.abs(x - target) <= Math.max(atol, rtol * Math.abs(target)); }
  function grade(qbox) {
    var qid = qbox.getAttribute("data-qid"), d = DATA[qid];
    var box = qbox.querySelector(".lcq-feedback");
    var hint = d.hint ? " <strong>Hint:</strong> " + d.hint : "";
    var OK = "<strong>\\u2713 Correct.</strong> ", BAD = "<strong>\\u2717 Not quite.</strong> ";
    if (d.kind === "single") {
      var sel = qbox.querySelector("input:checked");
      if (!sel) { show(box, "lcq-info", "Choose an option first."); return; }
      var o = d.options[sel.value];
      record(qid, o.correct, o.correct ? d.points : 0, d.points);
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
      var full = !wrong.length && right === total;
      record(qid, full, full ? d.points : 0, d.points);
      if (full) {
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
      var ok = close(x, d.answer, d.abs_tol, d.rel_tol);
      record(qid, ok, ok ? d.points : 0, d.points);
      if (ok) { show(box, "lcq-ok", OK + d.explanation); return; }
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
            raw = box.value.strip().replace(",", ".")
            if not raw:
                return None
            try:
                return float(raw)
            except ValueError:
                return raw  # check() explains that this is not a number

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
        script = _SCRIPT % {"root_id": json.dumps(self.root_id), "data": payload}
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
