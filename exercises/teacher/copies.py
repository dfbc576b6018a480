"""The copy signal of a class graded with a roster: a wrong answer that is a classmate's key.

Each student answers their own numbers, so a wrong number that equals, within the question's
tolerance, the key of another student's version is a sign the answer came from that student (or
from their notebook). It is a signal for the teacher, never a verdict: it goes in the teacher's
reports (``copy_of``), not in the student's feedback, and it is not raised when the number is
one of the known mistakes of the student's own version (that mistake explains it: with a
residual of 20, the slip r² = 400 is also the key 2r of a classmate whose residual is 200).

>>> from exercises import bank
>>> from exercises.scoring import Result
>>> vsalt = bank.variant_salt("class salt")
>>> [bank.variant("imbalanced.tversky_value", vsalt, s).answer for s in ("alice", "bob")]
[0.2754, 0.5181]
>>> rep = NotebookReport("alice/imbalanced.ipynb", student="alice")
>>> rep.results.append(Result("imbalanced.tversky_value", "imbalanced", "numeric", "failed",
...                           0.0, 1.0, "0.5181 is not right."))
>>> rep.answers["imbalanced.tversky_value"] = 0.5181
>>> flag_copies([rep], ["alice", "bob"], vsalt)
>>> rep.copies
{'imbalanced.tversky_value': 'bob'}
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from .. import bank
from .session import NotebookReport


@lru_cache(maxsize=4096)
def _version(question_id: str, salt: str, student: str) -> bank.Question:
    return bank.variant(question_id, salt, student)


def flag_copies(reports: Sequence[NotebookReport], students: Sequence[str], salt: str) -> None:
    """Fill each report's ``copies``: for every failed numeric question with variants whose
    answer equals another student's key (``students``: the roster's ids; ``salt``: the class's
    variant salt) and none of its own version's known mistakes, the other students' ids."""
    for rep in reports:
        if not rep.student:
            continue
        for result in rep.results:
            qid = result.question_id
            value = rep.answers.get(qid)
            if result.passed or value is None or bank.parametric(qid) is None:
                continue
            own = _version(qid, salt, rep.student)
            if own.is_close(value) or any(own.is_close(value, w) for w, _ in own.wrong_values):
                continue
            others = [
                other
                for other in students
                if other != rep.student and _version(qid, salt, other).is_close(value)
            ]
            if others:
                rep.copies[qid] = ", ".join(others)
