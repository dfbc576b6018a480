"""The case runner (:mod:`exercises.sandbox.inside.cases`): an answer holding the course function
it should replace is found however it holds it, and the thread fallback (where a child process
cannot be forked) grades, times out, stops the looping thread and keeps the cases unchanged."""

import numpy as np

import losses
from exercises.bank import get_question
from exercises.sandbox.inside.cases import held_stand_in, run_cases
from exercises.scoring.code import make_cases
from tests.exercises._helpers import huber_ok


def loops(*args):
    while True:
        pass


def _held(qid, fn):
    return held_stand_in(fn, get_question(qid).stand_ins)


def test_an_answer_holding_the_course_function_is_found_however_it_holds_it():
    import functools

    from losses import huber as imported

    qid = "regression.implement_huber"

    def default(y, p, d, f=losses.huber):
        return f(y, p, d)

    def closure():
        g = losses.huber

        def inner(y, p, d):
            return g(y, p, d)

        return inner

    class Callable:
        def __call__(self, y, p, d):
            return imported(y, p, d)

    def via_helper(y, p, d):
        return default(y, p, d)

    for fn in (
        imported,
        functools.partial(losses.huber, delta=1.0),
        default,
        closure(),
        Callable(),
        via_helper,
        functools.wraps(huber_ok)(lambda *a: losses.regression.huber(*a)),
    ):
        assert _held(qid, fn) == "losses.huber", fn
    assert _held(qid, huber_ok) is None
    # the stand-ins are the functions the question asks for, nothing else of the course
    assert (
        _held("metric_learning.implement_info_nce", lambda a, p, t: losses.log_softmax(a)) is None
    )


def test_mutation_cannot_reach_the_grader_in_the_thread_fallback():
    q = get_question("regression.implement_huber")
    cases = make_cases(q, np.random.default_rng(0))
    before = [np.array(c.args[0], copy=True) for c in cases]

    def mutating(y, p, d):
        out = huber_ok(y, p, d)
        y[...] = -1.0
        return out

    outcomes, _ = run_cases(mutating, [c.args for c in cases], 5, use_fork=False)
    assert all(o.status == "ok" for o in outcomes)
    for c, b in zip(cases, before, strict=True):
        np.testing.assert_array_equal(c.args[0], b)


def test_thread_fallback_grades_and_times_out():
    outcomes, printed = run_cases(lambda x: x + 1, [(1.0,), (2.0,)], 5, use_fork=False)
    assert [float(o.value) for o in outcomes] == [2.0, 3.0] and not printed
    outcomes, _ = run_cases(lambda x: loops(), [(1.0,), (2.0,)], 0.3, use_fork=False)
    assert [o.status for o in outcomes] == ["timeout", "not_run"]
    # the looping thread is stopped, not left spinning (it would slow down everything after it)
    import threading
    import time

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        t.name == "exercises-reader-code" and t.is_alive() for t in threading.enumerate()
    ):
        time.sleep(0.05)
    assert not any(
        t.name == "exercises-reader-code" and t.is_alive() for t in threading.enumerate()
    )
