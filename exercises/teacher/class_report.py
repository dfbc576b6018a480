"""What the class got wrong: one self-contained HTML file for the teacher, and a Canvas gradebook.

:func:`class_report` turns a graded class (the :class:`~exercises.teacher.session.NotebookReport`
of each notebook) into one HTML page that works offline (figures are inline PNG data, the script
is a few lines in the page, nothing is fetched):

- **the class at a glance**: notebooks and students, the score distribution (a histogram), the
  mean score per chapter, the notebooks that ran whole or could not be graded, and why;
- **where the class did worst**: the three questions with the lowest mean score, each with its
  commonest misconception;
- **students × questions**: every cell a symbol and a word (✓ passed, ◐ partly, ✗ failed,
  … not attempted, ? not evaluated, — not handed in), on colours from the Okabe–Ito palette;
  each column header sorts the rows by that question;
- **question by question**, worst first: the pass rate, the mean score, each misconception
  (:meth:`exercises.bank.Question.diagnoses`: its name, how many students, which ones), the
  commonest wrong answers of choice and numeric questions, and the copy signals
  (:mod:`exercises.teacher.copies`).

Every number comes from the same rows as the JSON and CSV reports (:func:`report_rows`).
:func:`format_canvas` writes the gradebook CSV that Canvas imports: the roster's columns, then one
column per chapter (its total), with a "Points Possible" row.

matplotlib is imported only to draw the histogram.

>>> from exercises.scoring import Result
>>> rep = NotebookReport("alice/regression.ipynb", student="alice")
>>> rep.results.append(Result("regression.outlier_loss", "regression", "single", "failed",
...                           0.0, 1.0, "Gaussian noise is what MSE suits."))
>>> rep.results[0].mistake = "regression.outlier_loss:mse"
>>> page = class_report([rep])
>>> "MSE: the ordinary houses" in page, "http" in page.split("<body")[1]
(True, False)
"""

from __future__ import annotations

import base64
import collections
import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import bank
from ..render.numbers import fmt_score
from ..render.text import plain_text
from .reports import report_rows
from .roster import Student
from .session import NotebookReport

#: A cell's state: its symbol, its word, its CSS class (the Okabe–Ito palette, lightened).
STATES = {
    "passed": ("✓", "passed", "st-ok"),
    "partly": ("◐", "partly", "st-part"),
    "failed": ("✗", "failed", "st-bad"),
    "not_attempted": ("…", "not attempted", "st-na"),
    "not_evaluated": ("?", "not evaluated", "st-err"),
    "missing": ("—", "not handed in", "st-none"),
}

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:0}
main{max-width:1200px;margin:0 auto;padding:1em 1.5em}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #bbb;padding:.2em .45em;text-align:left}
.num{text-align:right}.grid td{text-align:center;white-space:nowrap}
.grid th button{font:inherit;background:none;border:0;padding:0;cursor:pointer;text-decoration:underline}
.grid thead th{writing-mode:vertical-rl;transform:rotate(180deg)}
.st-ok{background:#cfe4f5}.st-part{background:#fbe3c2}.st-bad{background:#f6cfd9}
.st-na{background:#eeeeee}.st-err{background:#e2d4ec}.st-none{background:#fff}
.sr{position:absolute;left:-9999px}
figure{margin:.5em 0}figcaption{font-size:.9em;color:#333}
.q{border:1px solid #ccc;border-radius:4px;padding:.2em 1em 1em;margin:1em 0}
"""

_SORT = """
document.querySelectorAll("table.grid th button").forEach(function (button) {
  button.addEventListener("click", function () {
    var table = button.closest("table"), col = Number(button.getAttribute("data-col"));
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var th = button.parentNode, down = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = Number(a.cells[col].getAttribute("data-score")), y = Number(b.cells[col].getAttribute("data-score"));
      return down ? x - y : y - x;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", down ? "ascending" : "descending");
  });
});
"""


def cell_state(row: dict[str, Any]) -> str:
    """The state of one report row (see :data:`STATES`)."""
    if row["status"] == "passed":
        return "passed"
    if row["status"] == "not_attempted":
        return "not_attempted"
    if str(row["feedback"]).startswith("Could not be evaluated"):
        return "not_evaluated"
    return "partly" if float(row["score"]) > 0 else "failed"


@dataclass
class QuestionSummary:
    """What the class did on one question (from the report rows)."""

    question_id: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def max_score(self) -> float:
        return max((float(r["max_score"]) for r in self.rows), default=0.0)

    @property
    def pass_rate(self) -> float:
        return sum(r["status"] == "passed" for r in self.rows) / len(self.rows)

    @property
    def mean_score(self) -> float:
        return sum(float(r["score"]) for r in self.rows) / len(self.rows)

    def misconceptions(self) -> list[tuple[str, str, list[str]]]:
        """``(id, name, students)`` of each misconception shown, commonest first."""
        names = {i: plain_text(n) for i, n in bank.get_question(self.question_id).diagnoses()}
        who: dict[str, list[str]] = collections.defaultdict(list)
        for r in self.rows:
            for mid in filter(None, str(r["mistake"]).split(",")):
                who[mid].append(_who(r))
        found = [(mid, names.get(mid, mid), sorted(set(s))) for mid, s in who.items()]
        return sorted(found, key=lambda t: (-len(t[2]), t[0]))

    def wrong_answers(self, top: int = 5) -> list[tuple[str, int]]:
        """The commonest wrong answers of a choice or numeric question, with their counts."""
        q = bank.get_question(self.question_id)
        counts = collections.Counter(
            _answer_label(q, str(r["answer"]))
            for r in self.rows
            if r["status"] == "failed" and str(r["answer"])
        )
        return counts.most_common(top)

    def copies(self) -> list[tuple[str, str]]:
        return [(_who(r), str(r["copy_of"])) for r in self.rows if r["copy_of"]]


def _who(row: dict[str, Any]) -> str:
    return str(row["student"] or row["notebook"])


def _answer_label(q: bank.Question, answer: str) -> str:
    if isinstance(q, bank.ChoiceQuestion):
        texts = {o.key: plain_text(o.text) for o in q.options}
        return " + ".join(texts.get(k, k) for k in answer.split(","))
    try:
        return f"{float(answer):.6g}"
    except ValueError:
        return answer


def summaries(reports: Sequence[NotebookReport]) -> list[QuestionSummary]:
    """One summary per question graded, worst first (lowest mean share of the points)."""
    by_q: dict[str, QuestionSummary] = {}
    for rep in reports:
        for row in report_rows(rep):
            if row["question_id"]:
                by_q.setdefault(row["question_id"], QuestionSummary(row["question_id"]))
                by_q[row["question_id"]].rows.append(row)
    order = {q.id: i for i, q in enumerate(bank.all_questions())}
    return sorted(
        by_q.values(),
        key=lambda s: (s.mean_score / (s.max_score or 1), order.get(s.question_id, 0)),
    )


def _histogram(totals: list[float]) -> str:
    """The score distribution as an inline PNG (data URI)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 2.6), dpi=100, layout="constrained")
    ax.hist(totals, bins=min(20, max(5, len(set(totals)))), color="#0072B2", edgecolor="white")
    ax.set_xlabel("share of the points of the notebook (%)")
    ax.set_ylabel("notebooks")
    ax.set_xlim(0, 100)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def class_report(
    reports: Sequence[NotebookReport],
    header: str = "",
    title: str = "Class report",
    roster: Sequence[Student] | None = None,
) -> str:
    """The teacher's HTML report of a graded class (see the module docstring). With the
    ``roster``, the grid names each student and has a row for every student on it, those who
    handed in nothing included."""
    e = html.escape
    graded = [r for r in reports if r.max_score > 0]
    shares = [100 * r.score / r.max_score for r in graded]
    students = sorted({r.student or r.path for r in reports})
    absent = [s for s in roster or () if s.student not in students]
    qs = summaries(reports)
    out = [
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>{e(title)}</h1>",
        f"<p>{e(header)}</p>" if header else "",
    ]
    # -- at a glance
    whole = [r for r in reports if r.ran_whole]
    broken = [r for r in reports if r.status != "ok"]
    mean = sum(shares) / len(shares) if shares else 0.0
    out += [
        '<section aria-labelledby="glance"><h2 id="glance">The class at a glance</h2>',
        f"<p>{len(reports)} notebooks from {len(students)} students; mean score "
        f"{mean:.0f} % of the points. {len(whole)} ran whole, {len(broken)} did not run "
        "cleanly."
        + (
            f" {len(absent)} student(s) of the roster handed in nothing: "
            f"{e(', '.join(s.student for s in absent))}."
            if absent
            else ""
        )
        + "</p>",
    ]
    if shares:
        out.append(
            f'<figure><img src="{_histogram(shares)}" width="600" height="260" alt="Histogram '
            f"of the notebooks' scores as a share of their points: {len(shares)} notebooks, "
            f'from {min(shares):.0f} % to {max(shares):.0f} %, mean {mean:.0f} %.">'
            "<figcaption>The score distribution: each notebook's share of its points."
            "</figcaption></figure>"
        )
    chapters: dict[str, list[NotebookReport]] = collections.defaultdict(list)
    for r in graded:
        chapters[r.results[0].chapter].append(r)
    out.append(
        "<table><caption>Mean score per chapter</caption><thead><tr><th scope='col'>chapter"
        "</th><th scope='col'>notebooks</th><th scope='col'>mean score</th></tr></thead><tbody>"
    )
    for ch in bank.CHAPTERS:
        if ch in chapters:
            reps = chapters[ch]
            m = sum(r.score for r in reps) / len(reps)
            out.append(
                f"<tr><td>{e(bank.CHAPTER_TITLES[ch])}</td><td class='num'>{len(reps)}</td>"
                f"<td class='num'>{fmt_score(round(m, 2))} / {fmt_score(reps[0].max_score)}</td>"
                "</tr>"
            )
    out.append("</tbody></table>")
    for label, reps, why in (
        ("did not run cleanly", broken, lambda r: f"{r.status}: {'; '.join(r.problems)}"),
        ("ran whole", whole, lambda r: r.ran_whole),
    ):
        if reps:
            out.append(f"<details><summary>{len(reps)} notebooks {label}</summary><ul>")
            out += [f"<li>{e(r.path)}: {e(why(r))}</li>" for r in reps]
            out.append("</ul></details>")
    out.append("</section>")
    # -- worst three
    out.append('<section aria-labelledby="worst"><h2 id="worst">Where the class did worst</h2><ol>')
    for s in qs[:3]:
        found = s.misconceptions()
        top = (
            f": the commonest misconception, “{e(found[0][1])}”, for {len(found[0][2])} student(s)"
            if found
            else ""
        )
        out.append(
            f'<li><a href="#{_anchor(s.question_id)}">{e(s.question_id)}</a>: '
            f"{s.pass_rate:.0%} passed, mean {fmt_score(round(s.mean_score, 2))} / "
            f"{fmt_score(s.max_score)}{top}.</li>"
        )
    out.append("</ol></section>")
    # -- grid
    out += _grid(reports, [s.question_id for s in qs], roster or ())
    # -- per question
    out.append(
        '<section aria-labelledby="questions"><h2 id="questions">Question by question</h2>'
        "<p>Worst first.</p>"
    )
    for s in qs:
        out += _question(s)
    out.append(f"</section></main><script>{_SORT}</script></body></html>")
    return "\n".join(part for part in out if part)


def _anchor(question_id: str) -> str:
    return "q-" + question_id.replace(".", "-")


def _grid(
    reports: Sequence[NotebookReport], qids: list[str], roster: Sequence[Student]
) -> list[str]:
    e = html.escape
    cells: dict[str, dict[str, dict[str, Any]]] = collections.defaultdict(dict)
    for rep in reports:
        for row in report_rows(rep):
            if row["question_id"]:
                cells[_who(row)][row["question_id"]] = row
        cells.setdefault(rep.student or rep.path, {})
    names = {s.student: s.name for s in roster if s.name}
    for s in roster:
        cells.setdefault(s.student, {})
    order = {q.id: i for i, q in enumerate(bank.all_questions())}
    cols = sorted(qids, key=lambda q: order.get(q, 0))
    legend = " ".join(f'<span class="{c}">{sym} {word}</span>' for sym, word, c in STATES.values())
    out = [
        '<section aria-labelledby="grid"><h2 id="grid">Students × questions</h2>',
        f"<p>{legend}. A column's header sorts the rows by that question.</p>",
        '<div style="overflow-x:auto"><table class="grid"><caption class="sr">Each student\'s '
        "result on each question</caption><thead><tr><th scope='col'>student</th>",
    ]
    for i, q in enumerate(cols, start=1):
        out.append(f'<th scope="col"><button type="button" data-col="{i}">{e(q)}</button></th>')
    out.append("</tr></thead><tbody>")
    for who in sorted(cells):
        name = f" <small>{e(names[who])}</small>" if who in names else ""
        out.append(f'<tr><th scope="row">{e(who)}{name}</th>')
        for q in cols:
            row = cells[who].get(q)
            state = cell_state(row) if row else "missing"
            sym, word, cls = STATES[state]
            score = float(row["score"]) / float(row["max_score"] or 1) if row else -1
            out.append(
                f'<td class="{cls}" data-state="{state}" data-qid="{e(q)}" '
                f'data-score="{score:.4f}" title="{e(q)}: {word}">{sym}'
                f'<span class="sr"> {word}</span></td>'
            )
        out.append("</tr>")
    out.append("</tbody></table></div></section>")
    return out


def _question(s: QuestionSummary) -> list[str]:
    e = html.escape
    q = bank.get_question(s.question_id)
    prompt = " ".join(plain_text(q.prompt).split())
    out = [
        f'<div class="q"><h3 id="{_anchor(s.question_id)}">{e(s.question_id)}</h3>',
        f"<p>{e(prompt[:220])}{'…' if len(prompt) > 220 else ''}</p>",
        f"<p>{len(s.rows)} answers: {s.pass_rate:.0%} passed, mean score "
        f"{fmt_score(round(s.mean_score, 2))} / {fmt_score(s.max_score)}.</p>",
    ]
    found = s.misconceptions()
    if found:
        out.append(
            "<table><caption>Misconceptions</caption><thead><tr><th scope='col'>misconception"
            "</th><th scope='col'>students</th><th scope='col'>who</th></tr></thead><tbody>"
        )
        out += [
            f"<tr><td>{e(name)} <small>({e(mid)})</small></td><td class='num'>{len(who)}</td>"
            f"<td>{e(', '.join(who))}</td></tr>"
            for mid, name, who in found
        ]
        out.append("</tbody></table>")
    answers = s.wrong_answers()
    if answers:
        out.append("<p>Commonest wrong answers:</p><ul>")
        out += [f"<li>{e(a)}: {n}</li>" for a, n in answers]
        out.append("</ul>")
    copies = s.copies()
    if copies:
        out.append("<p>Wrong answers that are a classmate's key (a signal, not a verdict):</p><ul>")
        out += [f"<li>{e(who)}: the key of {e(others)}</li>" for who, others in copies]
        out.append("</ul>")
    out.append("</div>")
    return out


#: The first columns of a Canvas gradebook import.
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def format_canvas(reports: Sequence[NotebookReport], roster: Sequence[Student]) -> str:
    """A gradebook CSV that Canvas imports: one row per roster student (its columns from the
    roster), one column per chapter graded (the student's total; empty when nothing was
    handed in), after a "Points Possible" row."""
    totals: dict[tuple[str, str], float] = collections.defaultdict(float)
    possible: dict[str, float] = {}
    for rep in reports:
        for r in rep.results:
            totals[(rep.student, r.chapter)] += r.score
            possible.setdefault(r.chapter, 0.0)
    for ch in possible:
        possible[ch] = max(
            sum(r.max_score for r in rep.results if r.chapter == ch) for rep in reports
        )
    chapters = [c for c in bank.CHAPTERS if c in possible]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*CANVAS_COLUMNS, *(bank.CHAPTER_TITLES[c] for c in chapters)])
    writer.writerow(
        ["Points Possible", "", "", "", "", *(fmt_score(possible[c]) for c in chapters)]
    )
    handed = {(rep.student, r.chapter) for rep in reports for r in rep.results}
    for st in roster:
        scores = [
            fmt_score(round(totals[(st.student, c)], 4)) if (st.student, c) in handed else ""
            for c in chapters
        ]
        writer.writerow(
            [
                st.name or st.student,
                st.canvas_id,
                st.sis_user_id,
                st.sis_login_id,
                st.section,
                *scores,
            ]
        )
    return buf.getvalue()
