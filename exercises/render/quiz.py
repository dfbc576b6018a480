r"""A quiz that works on the static website: no kernel, no network, no external script.

:class:`Quiz` renders questions of the bank as plain HTML with a small inline script: radio
buttons (one answer), checkboxes (several) or a number box, a **Check** button, and a feedback
element that shows what :func:`exercises.check` would: the same verdict line as its
:class:`~exercises.scoring.Result` ("✓ Correct", "✗ Partly right" or "✗ Not yet" with the
points, words and symbols, not colour alone), the same feedback and the same hint. Code questions
are shown with their prompt and the ``check(...)`` call to run in the notebook.

The page never scores anything itself. Each quiz carries, as JSON, the data that
:func:`exercises.scoring.site_data` makes for each question (a choice question's verdict for
every answer the form can give, a numeric question's rule with its verdicts as templates), and
``static/quiz.js`` looks verdicts up in it; the reader's number is read as
:func:`~exercises.render.numbers.typed_number` reads it and written as
:func:`~exercises.render.numbers.fmt_answer` writes it (``static/format.js``). Nothing chosen, or
an empty number box, shows a note ("Choose an option first.", "Enter a number.") where ``check()``
would say "not attempted yet". ``tests/exercises/render/test_site_parity.py`` compares the site
with ``check()`` in Chromium on every choice and numeric question.

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
(:attr:`exercises.bank.ChoiceQuestion.display_options`); the inputs' values are those letters.

In a live kernel the same quiz is also offered as ipywidgets (:meth:`Quiz.widget`), whose Check
buttons call the ``check`` the quiz was given (:func:`exercises.check`), so an answer counts in
``progress()``; JupyterLab shows that view, the book's HTML builder the static one. On the site
each answer is kept in the browser's ``localStorage`` (key ``losscourse-progress``, with its
score: a partly right answer counts as its partial score, as in ``progress()``), which
``progress()`` shows on a page built without a progress file. :func:`answer_form` is the
single-question form that a "not attempted yet" result carries for the site.

A question with variants (:class:`exercises.bank.Parametric`) can carry a *pool*: other versions
of it, made when the book is built (their prompts and their ``site_data``). Its form then has a
``button.lcq-another`` ("Try another"): each click shows the next version of the pool (after the
last, the book's again), with an empty answer, and Check grades that version; the question's
``div`` says which one it shows in ``data-version`` (``0``: the book's). A right answer to a
version other than the book's marks the question *mastered* in the browser's progress, as
``progress()`` does after :func:`exercises.another`.

The answers are in the page's source: this is a self-check for readers, not an exam (grade exams
with ``python -m exercises grade``).

>>> from exercises.bank import select
>>> data = {"regression.outlier_loss": {"kind": "single", "table": {}}}  # verdicts left out
>>> q = Quiz(select("regression.outlier_loss"), "One question", data)
>>> 'id="lcq-regression-outlier_loss"' in q.html, str(q).splitlines()[0]
(True, 'Quiz: One question (1 questions)')
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from typing import Any

from ..bank import Question
from .assets import static
from .numbers import NUMBER, TYPED_NUMBER, TYPED_SPECIAL, fmt_number, python_space, typed_number
from .text import MATH, inline_markdown, markdown_to_html, plain_text

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Shown where the page's scripts do not run (a saved notebook reopened in JupyterLab does not
#: trust its outputs): the Check buttons do nothing until the cell runs; the script hides it.
_RUN_NOTE = (
    '<p class="lcq-run-note"><strong>▶ Run this cell</strong> to answer here: the questions '
    "are checked by the notebook's kernel, and your answers count in "
    "<code>progress()</code>.</p>"
)
_BOX = {"border": "1px solid rgba(127,127,127,0.45)", "padding": "0.3em 0.8em", "margin": "0.4em 0"}


def _spoken(letter: str, text: str) -> str:
    """An ``aria-label`` attribute for an option whose text has maths (its plain-text reading)."""
    if not MATH.search(text):
        return ""  # the label's own text is the accessible name
    return f' aria-label="{html.escape(f"({letter}) {plain_text(text)}")}"'


def _dom_id(question_id: str) -> str:
    return "lcq-" + re.sub(r"[^A-Za-z0-9_-]", "-", question_id)


def _points(q: Question) -> str:
    return f"{fmt_number(q.points)} point{'' if q.points == 1 else 's'}"


def _json_in_html(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")


# ----------------------------------------------------------------------------- each kind's inputs


def _choice_inputs(q: Any, number: int) -> str:
    note = "" if q.kind == "single" else "<p><em>Choose all that apply.</em></p>"
    return note + _choice_fieldset(q, number)


def _choice_fieldset(q: Any, number: int) -> str:
    """A choice question's options, in its display order, as a fieldset of inputs."""
    dom = _dom_id(q.id)
    kind = "radio" if q.kind == "single" else "checkbox"
    labels = "".join(
        f'<label for="{dom}-{i}"><input type="{kind}" id="{dom}-{i}" name="{dom}" '
        f'value="{q.letter(o)}"{_spoken(q.letter(o), o.text)}> '
        f"<strong>({q.letter(o)})</strong> {inline_markdown(o.text)}</label>"
        for i, o in enumerate(q.display_options)
    )
    return (
        f'<fieldset><legend class="lcq-sr">Options for question {number}</legend>'
        f"{labels}</fieldset>"
    )


def _number_input(q: Any, number: int) -> str:
    dom = _dom_id(q.id)
    return (
        f'<label for="{dom}-value">Your answer: <input type="text" inputmode="decimal" '
        f'id="{dom}-value" name="{dom}" size="12" autocomplete="off"></label>'
    )


#: How each kind is answered on the page (a code question is not: it is run in the notebook).
INPUTS: dict[str, Callable[[Any, int], str] | None] = {
    "single": _choice_inputs,
    "multiple": _choice_inputs,
    "numeric": _number_input,
    "code": None,
}


def _choice_text(q: Any) -> list[str]:
    lines = [f"   ({q.letter(o)}) {o.text}" for o in q.display_options]
    if q.kind == "multiple":
        return [*lines, f'   Choose all that apply: check("{q.id}", ["a", ...]).']
    return [*lines, f'   Answer with check("{q.id}", ...).']


#: How each kind reads as plain text, after its prompt.
TEXTS: dict[str, Callable[[Any], list[str]]] = {
    "single": _choice_text,
    "multiple": _choice_text,
    "numeric": lambda q: [f'   Answer with check("{q.id}", ...).'],
    "code": lambda q: [f'   Answer with check("{q.id}", your_function).'],
}


# ----------------------------------------------------------------------------- widgets


def _in_kernel() -> bool:
    """True inside a running IPython kernel, where widgets can be displayed."""
    import sys

    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _choice_widgets(q: Any) -> tuple[list[Any], Callable[[], Any]]:
    import ipywidgets as widgets

    shown = q.display_options
    boxes = [widgets.Checkbox(value=False, indent=False, layout={"width": "2em"}) for _ in shown]
    labels = [
        widgets.HTMLMath(f"<strong>({q.letter(o)})</strong> {inline_markdown(o.text)}")
        for o in shown
    ]
    if q.kind == "single":  # one box at a time, like radio buttons

        def keep_one(change: dict[str, Any], boxes: list[Any] = boxes) -> None:
            if change["new"]:
                for other in boxes:
                    if other is not change["owner"]:
                        other.value = False

        for box in boxes:
            box.observe(keep_one, names="value")
    inputs = [widgets.HBox([b, lab]) for b, lab in zip(boxes, labels, strict=True)]
    if q.kind == "multiple":
        inputs.insert(0, widgets.HTML("<em>Choose all that apply.</em>"))

    def answer() -> Any:
        picked = [q.letter(o) for o, b in zip(shown, boxes, strict=True) if b.value]
        if q.kind == "single":
            return picked[0] if picked else None
        return picked or None

    return inputs, answer


def _number_widgets(q: Any) -> tuple[list[Any], Callable[[], Any]]:
    import ipywidgets as widgets

    box = widgets.Text(placeholder="a number", layout={"width": "12em"})
    return [box], lambda: typed_number(box.value)


#: Each answerable kind's widgets: ``(input widgets, a function that reads the answer)``.
WIDGETS: dict[str, Callable[[Any], tuple[list[Any], Callable[[], Any]]] | None] = {
    "single": _choice_widgets,
    "multiple": _choice_widgets,
    "numeric": _number_widgets,
    "code": None,
}


def _question_widget(number: int, q: Question, check: Callable[[str, Any], Any]) -> Any:
    """One question as widgets: prompt, inputs, a Check button and the verdict of ``check``."""
    import ipywidgets as widgets

    head = widgets.HTMLMath(
        f"<p><strong>Question {number}</strong> <small>({html.escape(q.id)}, "
        f"{_points(q)})</small></p>{markdown_to_html(q.prompt)}"
    )
    make_inputs = WIDGETS[q.kind]
    if make_inputs is None:
        call = f'check("{q.id}", your_function)'
        note = widgets.HTML(
            f"<p><em>A code exercise: write the function in a cell and run "
            f"<code>{html.escape(call)}</code>.</em></p>"
        )
        return widgets.VBox([head, note], layout=_BOX)
    inputs, answer = make_inputs(q)
    verdict = widgets.Output()
    button = widgets.Button(description="Check", tooltip=f"check {q.id}")

    def on_click(_button: Any) -> None:
        result = check(q.id, answer())
        # The verdict as a display output, built here: Output.append_display_data would create
        # an IPython shell singleton as a side effect.
        data = {"text/plain": str(result), "text/html": result._repr_html_()}
        metadata = dict(result._repr_mimebundle_()[1])
        verdict.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)

    button.on_click(on_click)
    return widgets.VBox([head, *inputs, button, verdict], layout=_BOX)


# ----------------------------------------------------------------------------- the quiz


def _script() -> str:
    """The quiz's script: the number formatter, then the quiz, in one function scope."""
    return f"<script>\n(function () {{\n{static('format.js')}{static('quiz.js')}}})();\n</script>"


class Quiz:
    """A set of questions rendered for the static page (``_repr_html_``), as widgets in a live
    kernel (:meth:`widget`) or as text (``str``).

    ``data`` maps each answerable question's id to its :func:`exercises.scoring.site_data`;
    ``check`` is what the widgets' Check buttons call (:func:`exercises.check`).
    """

    def __init__(
        self,
        questions: list[Question],
        title: str,
        data: dict[str, dict[str, Any]],
        check: Callable[[str, Any], Any] | None = None,
        pool: dict[str, list[tuple[Question, dict[str, Any]]]] | None = None,
    ) -> None:
        self.questions = questions
        self.title = title
        self.data = data
        self.check = check
        self.pool = {
            qid: versions for qid, versions in (pool or {}).items() if versions
        }  # question id -> [(a version, its site_data), ...] for "Try another"
        self._widget: Any = None
        digest = hashlib.sha1("|".join(q.id for q in questions).encode()).hexdigest()[:10]
        self.root_id = f"lcq-quiz-{digest}"

    def _question_html(self, number: int, q: Question) -> str:
        dom = _dom_id(q.id)
        head = (
            f'<p class="lcq-title">Question {number} '
            f'<span class="lcq-id">({html.escape(q.id)}, {_points(q)})</span></p>'
        )
        prompt = f'<div class="lcq-prompt">{markdown_to_html(q.prompt)}</div>'
        make_inputs = INPUTS[q.kind]
        if make_inputs is None:
            call = f'check("{q.id}", your_function)'
            return (
                f'<div class="lcq-question lcq-codeq" id="{dom}">{head}{prompt}'
                f'<p class="lcq-feedback lcq-info">This is a code exercise: run the notebook and '
                f"call <code>{html.escape(call)}</code> to test your function on many inputs.</p></div>"
            )
        another = (
            '<button type="button" class="lcq-another">Try another</button>'
            if q.id in self.pool
            else ""
        )
        return (
            f'<div class="lcq-question" id="{dom}" data-qid="{html.escape(q.id)}" '
            f'data-version="0">{head}{prompt}'
            f"{make_inputs(q, number)}"
            f'<button type="button" class="lcq-check">Check</button>{another}'
            f'<div class="lcq-feedback" role="status" aria-live="polite"></div></div>'
        )

    @staticmethod
    def _version(number: int, v: Question, data: dict[str, Any]) -> dict[str, Any]:
        """One version of a question's pool as the page's script uses it: the prompt, the
        verdicts, and a choice question's options (in that version's order)."""
        entry = {"prompt": markdown_to_html(v.prompt), "data": data}
        if v.kind in ("single", "multiple"):
            entry["inputs"] = _choice_fieldset(v, number)
        return entry

    def _repr_html_(self) -> str:
        config = {
            "questions": {q.id: self.data[q.id] for q in self.questions if INPUTS[q.kind]},
            "number": NUMBER,
            "space": python_space(),
            "num": TYPED_NUMBER,
            "special": TYPED_SPECIAL,
            "pool": {
                q.id: [self._version(number + 1, v, d) for v, d in self.pool[q.id]]
                for number, q in enumerate(self.questions)
                if q.id in self.pool and INPUTS[q.kind]
            },
        }
        body = "".join(self._question_html(i + 1, q) for i, q in enumerate(self.questions))
        return (
            f'<div class="losscourse-quiz mathjax_process tex2jax_process" id="{self.root_id}">'
            f"<style>\n{static('quiz.css')}</style>{_RUN_NOTE}{body}"
            f'<script type="application/json" class="lcq-data">{_json_in_html(config)}</script>'
            f"{_script()}</div>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        # The site shows the HTML quiz (the book prefers text/html to widgets); a live kernel
        # shows widgets whose Check button calls check(), so a quiz answer counts in progress().
        bundle: dict[str, Any] = {"text/plain": str(self), "text/html": self._repr_html_()}
        if self.check is not None and _in_kernel():
            try:
                view = self.widget()._repr_mimebundle_()
            except ImportError:  # no ipywidgets: the HTML quiz still answers, without progress
                view = {}
            if WIDGET_VIEW in view:
                bundle[WIDGET_VIEW] = view[WIDGET_VIEW]
        return bundle

    def widget(self) -> Any:
        """The quiz as ipywidgets: the same questions, each Check button calling ``check``."""
        if self.check is None:
            raise ValueError("this quiz was made without a check function; it has no widgets")
        if self._widget is None:
            import ipywidgets as widgets

            rows = [widgets.HTML(f"<strong>{html.escape(self.title)}</strong>")]
            rows += [_question_widget(i + 1, q, self.check) for i, q in enumerate(self.questions)]
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
            lines += ["", f"{i}. [{q.id}] {q.prompt}", *TEXTS[q.kind](q)]
        return "\n".join(lines)

    __repr__ = __str__


def answer_form(
    q: Question,
    data: dict[str, Any],
    title: str,
    pool: list[tuple[Question, dict[str, Any]]] | None = None,
) -> str:
    """The static form of one choice or numeric question, for the site only (``""`` for a code
    question); ``data`` is the question's :func:`exercises.scoring.site_data`, ``pool`` its
    other versions for "Try another" (see the module docstring).

    :func:`exercises.check` adds it under a "not attempted yet" verdict: on the static site (no
    kernel) the reader answers the exercise right where it is asked. The form travels as JSON in
    a ``<script type="application/json">`` and a few lines of script (``static/form.js``) build
    it, outside Jupyter only: a notebook shows only the verdict and the cell to edit. (An HTML
    ``hidden`` attribute would not do: JupyterLab's sanitizer strips it from an untrusted
    notebook's outputs, and drops every ``<script>`` with its content, so there the form is simply
    absent.)
    """
    if INPUTS[q.kind] is None:
        return ""
    form = Quiz([q], title, {q.id: data}, pool={q.id: pool or []})._repr_html_()
    return (
        f'<div class="lcq-site-only" data-qid="{html.escape(q.id)}"></div>'
        f'<script type="application/json">{_json_in_html({"html": form})}</script>'
        f"<script>\n{static('form.js')}</script>"
    )
