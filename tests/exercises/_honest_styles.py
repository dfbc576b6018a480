"""A corpus of small honest notebooks, in the styles students write, for the faithfulness test.

Rule 5 of the grading contract (``../shared/design/grading.md``): the verdict of every question is
the one a top-to-bottom run of the notebook gives (Restart & Run All, errors not stopping the run,
the last ``check`` of a question counting). ``tests/exercises/teacher/test_faithful.py`` runs
every notebook here whole in a Jupyter kernel, grades the same files with ``python -m exercises
grade``, and compares the two question by question.

Every notebook is a :class:`Honest`: a name (its file name), a note saying which style it shows,
and its code cells (``tests.exercises._helpers.write_notebook`` puts a title cell before them, so
code cell ``k`` is cell ``k + 2`` of the file, counting from 1). The answers are computed the way a
student computes them (numpy, scipy, the course's own ``losses``, their own helpers); only the
letters of choice questions are looked up in the bank, because the shuffled letters are what a
student reads on the page: ``<<right:ID>>`` in a cell becomes the quoted letter of the right option
of question ``ID``, ``<<rights:ID>>`` the quoted letters of all its right options separated by
commas (to put in a list, a tuple or a set), ``<<wrong:ID>>`` the letter of a wrong option and
``<<partial:ID>>`` two right options and a wrong one.

Most answers are right; the notebooks flagged ``wrong`` also hold honest mistakes (a Huber loss
missing its ½, a wrong option, numeric slips), so that failures are compared too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exercises.bank import ChoiceQuestion, get_question


@dataclass(frozen=True)
class Honest:
    """One honest notebook: its file name, the style it shows, its code cells."""

    name: str
    note: str
    cells: tuple[str, ...]
    wrong: bool = False


def _options(qid: str) -> tuple[list[str], list[str]]:
    q = get_question(qid)
    assert isinstance(q, ChoiceQuestion), qid
    right = [q.letter(o) for o in q.display_options if o.correct]
    wrong = [q.letter(o) for o in q.display_options if not o.correct]
    return right, wrong


def _letters(match: re.Match[str]) -> str:
    what, qid = match.group(1), match.group(2)
    right, wrong = _options(qid)
    if what == "right":
        assert len(right) == 1, qid
        return repr(right[0])
    if what == "rights":
        return ", ".join(map(repr, right))
    if what == "wrong":
        return repr(wrong[0])
    assert what == "partial" and len(right) >= 2, qid
    return ", ".join(map(repr, [*right[:2], wrong[0]]))


def _fill(source: str) -> str:
    return re.sub(r"<<(right|rights|wrong|partial):([\w.]+)>>", _letters, source)


def _nb(name: str, note: str, *cells: str, wrong: bool = False) -> Honest:
    return Honest(name, note, tuple(_fill(c) for c in cells), wrong)


# ----------------------------------------------------------------------------- shared pieces

IMPORTS = "import numpy as np\nfrom exercises import check"

HUBER = """\
def my_huber(y_true, y_pred, delta):
    r = np.abs(np.asarray(y_true, float) - np.asarray(y_pred, float))
    return np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)))"""

# ----------------------------------------------------------------------------- the corpus

NOTEBOOKS: tuple[Honest, ...] = (
    _nb(
        "cell_magic_time",
        "answer cells run under %%time (a numeric answer, and the definition of a code answer)",
        IMPORTS,
        '%%time\nr = 100.0  # the residual\ngrad_mse = abs(-2 * r)\ncheck("regression.outlier_gradient_mse", grad_mse)',
        f"%%time\n{HUBER}",
        'check("regression.implement_huber", my_huber)',
    ),
    _nb(
        "cell_magic_capture",
        "%%capture cells: an answer inside one, and values computed in one then checked later",
        IMPORTS,
        '%%capture\ncheck("classification.zero_loss", <<right:classification.zero_loss>>)',
        "%%capture captured\nlogits = np.array([2.0, 1.0, 0.0])\n"
        "ce = -(logits[0] - np.log(np.sum(np.exp(logits))))\nprint(ce)",
        'check("classification.ce_value", ce)',
    ),
    _nb(
        "percent_operator_continuation",
        "a continuation line that starts with the % operator",
        IMPORTS,
        "z = np.array([2.0, 1.0, 0.0])  # the logits\nn_classes = len(z)\nsample = 3",
        "true_class = (sample\n              % n_classes)  # the samples cycle through the classes\n"
        "log_p = z - np.log(np.sum(np.exp(z)))\n"
        'check("classification.ce_value", -log_p[true_class])',
    ),
    _nb(
        "line_magics_in_answer_cells",
        "t = %timeit -o ... and %time answer = ... in the answer cells",
        IMPORTS + "\nP = np.array([0.5, 0.5])\nQ = np.array([0.9, 0.1])",
        "def my_kl(p, q):\n"
        "    p, q = np.asarray(p, float), np.asarray(q, float)\n"
        "    mask = p > 0\n"
        '    with np.errstate(divide="ignore"):\n'
        "        return np.sum(p[mask] * (np.log(p[mask]) - np.log(q[mask])))",
        't = %timeit -o -n 1 -r 1 my_kl(P, Q)\ncheck("distributions.implement_kl", my_kl)',
        '%time kl_pq = float(my_kl(P, Q))\ncheck("distributions.kl_pq_value", kl_pq)',
        'print(f"one call: {t.best * 1e6:.0f} µs")',
    ),
    _nb(
        "shell_and_matplotlib_magics",
        "%matplotlib inline, a !echo shell line in an unrelated cell, a figure",
        "%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
        "from exercises import check",
        "!echo hi",
        "y, f = -1, 0.3  # label and score\nhinge = max(0.0, 1 - y * f)",
        "fig, ax = plt.subplots()\nscores = np.linspace(-2, 2, 50)\n"
        "ax.plot(scores, np.maximum(0, 1 + scores))\nplt.close(fig)",
        'check("classification.hinge_value", hinge)\n'
        'check("classification.hinge_wants", <<right:classification.hinge_wants>>)',
    ),
    _nb(
        "helper_defined_after_use",
        "a helper and a constant defined in a cell after the function that uses them",
        IMPORTS,
        "def my_huber(y_true, y_pred, delta):\n"
        "    r = residual(y_true, y_pred)\n"
        "    return np.mean(np.where(r <= delta, HALF * r**2, delta * (r - HALF * delta)))",
        "def residual(y_true, y_pred):\n"
        "    return np.abs(np.asarray(y_true, float) - np.asarray(y_pred, float))\n\n\nHALF = 0.5",
        'check("regression.implement_huber", my_huber)',
        'check("regression.huber_value", my_huber(np.array([0.0]), np.array([5.0]), 2.0))',
    ),
    _nb(
        "buggy_helper_fixed_later",
        "a buggy helper, checked (fails), fixed in a later cell, checked again (passes)",
        IMPORTS,
        "def log_ratio(p, q):\n    return np.log(q / p)",
        "def my_kl(p, q):\n"
        "    p, q = np.asarray(p, float), np.asarray(q, float)\n"
        '    with np.errstate(divide="ignore", invalid="ignore"):\n'
        "        terms = np.where(p > 0, p * log_ratio(p, q), 0.0)\n"
        "    return terms.sum()",
        'check("distributions.implement_kl", my_kl)',
        "def log_ratio(p, q):  # fixed: log(p / q), not log(q / p)\n    return np.log(p / q)",
        'check("distributions.implement_kl", my_kl)',
        'check("distributions.kl_qp_value", my_kl(np.array([0.9, 0.1]), np.array([0.5, 0.5])))',
    ),
    _nb(
        "answers_stored_by_helper",
        "answers stored by answer(qid, value) into a dict, then checked in a loop",
        "import numpy as np\nfrom exercises import check\n\nanswers = {}\n\n\n"
        "def answer(qid, value):\n    answers[qid] = value",
        'answer("regression.outlier_loss", <<right:regression.outlier_loss>>)\n'
        'answer("regression.outlier_gradient_huber", float(np.clip(100.0, -1.0, 1.0)))',
        'answer("imbalanced.focal_factor", (1 - 0.9) ** 2)',
        "for qid, v in answers.items():\n    check(qid, v)",
    ),
    _nb(
        "global_setup_function",
        "a setup function that assigns globals with `global`, called, then an answer from them",
        IMPORTS,
        "def setup():\n    global P, Q\n    P = np.array([0.5, 0.5])\n    Q = np.array([0.9, 0.1])",
        "setup()",
        'check("distributions.kl_qp_value", float(np.sum(Q * np.log(Q / P))))',
    ),
    _nb(
        "mask_filled_through_view",
        "a mask filled through a numpy view two cells before the numeric answers that use it",
        IMPORTS,
        "scan = np.zeros((50, 50))  # 1 = tumour\nprediction = np.zeros_like(scan)  # background everywhere",
        "tumour = scan[20:25, 10:18]  # a view: 5 x 8 = 40 pixels\ntumour[:] = 1",
        'print(int(scan.sum()), "tumour pixels")',
        "dice_loss = 1 - 2 * np.sum(scan * prediction) / (np.sum(scan) + np.sum(prediction))\n"
        'check("imbalanced.background_dice", dice_loss)\n'
        'check("imbalanced.background_accuracy", np.mean(scan == prediction))',
    ),
    _nb(
        "course_losses_for_numbers",
        "numeric answers computed with the course's own losses (float(losses.triplet(a, p, n)))",
        "import numpy as np\nimport losses\nfrom exercises import check",
        "a = np.zeros((1, 2))\np = np.array([[0.8, 0.0]])\nn = np.array([[1.1, 0.0]])",
        'check("metric_learning.triplet_value", float(losses.triplet(a, p, n, margin=0.5)))',
        "x1, x2 = np.array([[0.0, 0.0]]), np.array([[0.4, 0.0]])\n"
        "value = float(losses.contrastive(np.array([0.0]), x1, x2, margin=1.0))\n"
        'check("metric_learning.contrastive_value", value)',
        'check("regression.huber_value", float(losses.huber(np.array([0.0]), np.array([5.0]), delta=2.0)))',
        "z = np.log(0.8 / 0.2)  # the logit of 0.8\n"
        "g = losses.focal_grad(np.array([1.0]), np.array([z]), alpha=None, gamma=1, from_logits=True)\n"
        'check("imbalanced.focal_gradient_gamma1", g[0])',
    ),
    _nb(
        "course_log_softmax_in_answer",
        "from losses import log_softmax inside an InfoNCE answer (the question asks for InfoNCE)",
        IMPORTS,
        "def info_nce(anchor, positive, temperature):\n"
        "    from losses import log_softmax\n\n"
        "    a = anchor / np.linalg.norm(anchor, axis=1, keepdims=True)\n"
        "    p = positive / np.linalg.norm(positive, axis=1, keepdims=True)\n"
        "    s = a @ p.T / temperature\n"
        "    return -np.mean(np.diag(log_softmax(s, axis=1)))",
        'check("metric_learning.implement_info_nce", info_nce)',
        "from losses import log_softmax\n\n"
        'check("classification.ce_value", -log_softmax(np.array([2.0, 1.0, 0.0]))[0])',
    ),
    _nb(
        "writefile_module",
        "%%writefile helper.py, then import helper and answers that use it",
        "%%writefile helper.py\nimport numpy as np\n\n\ndef kl(p, q):\n"
        "    p, q = np.asarray(p, float), np.asarray(q, float)\n"
        "    mask = p > 0\n"
        '    with np.errstate(divide="ignore"):\n'
        "        return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))\n",
        "import numpy as np\nimport helper\nfrom exercises import check",
        'check("distributions.implement_kl", helper.kl)',
        'check("distributions.kl_pq_value", helper.kl(np.array([0.5, 0.5]), np.array([0.9, 0.1])))',
    ),
    _nb(
        "collections_as_answers",
        "answers kept in a dict; multiple choice as a list, a tuple and a set; a one-item list",
        "from exercises import check",
        "my_answers = {\n"
        '    "regression.outlier_loss": <<right:regression.outlier_loss>>,\n'
        '    "regression.quantile_level": <<right:regression.quantile_level>>,\n'
        "}",
        'check("regression.outlier_loss", my_answers["regression.outlier_loss"])\n'
        'check("regression.quantile_level", my_answers["regression.quantile_level"])',
        'check("regression.huber_facts", [<<rights:regression.huber_facts>>])',
        'check("classification.prefer_ce", (<<rights:classification.prefer_ce>>,))',
        'picked = {<<rights:imbalanced.small_object_losses>>}\ncheck("imbalanced.small_object_losses", picked)',
        'check("classification.multilabel", [<<right:classification.multilabel>>])',
    ),
    _nb(
        "method_partial_lambda",
        "a bound method, a functools.partial and lambdas (with a lambda helper in another cell)",
        "import functools\n\nimport numpy as np\nfrom exercises import check",
        "class Losses:\n"
        "    def __init__(self, axis=1):\n"
        "        self.axis = axis\n\n"
        "    def cross_entropy(self, labels, probs):\n"
        "        picked = np.take_along_axis(probs, labels[:, None], axis=self.axis)\n"
        "        return -np.mean(np.log(picked))\n\n\n"
        "L = Losses()",
        'check("classification.implement_cross_entropy", L.cross_entropy)',
        "def focal_general(y_true, p, alpha, gamma, reduce=np.mean):\n"
        "    p_t = np.where(y_true == 1, p, 1 - p)\n"
        "    a_t = np.where(y_true == 1, alpha, 1 - alpha)\n"
        "    return reduce(-a_t * (1 - p_t) ** gamma * np.log(p_t))\n\n\n"
        "focal = functools.partial(focal_general, reduce=np.mean)\n"
        'check("imbalanced.implement_focal", focal)',
        "dist = lambda x, y: np.linalg.norm(x - y, axis=1)  # noqa: E731",
        "triplet = lambda a, p, n, m: np.mean(np.maximum(0.0, dist(a, p) - dist(a, n) + m))  # noqa: E731\n"
        'check("metric_learning.implement_triplet", triplet)',
    ),
    _nb(
        "decorated_function",
        "the answer function wrapped by a decorator that uses functools.wraps",
        "import functools\n\nimport numpy as np\nfrom exercises import check",
        "def as_float_arrays(fn):\n"
        "    @functools.wraps(fn)\n"
        "    def wrapper(y_true, y_pred, smooth):\n"
        "        return fn(np.asarray(y_true, float), np.asarray(y_pred, float), smooth)\n\n"
        "    return wrapper",
        "@as_float_arrays\n"
        "def dice(y_true, y_pred, smooth):\n"
        "    total = y_true.sum() + y_pred.sum()\n"
        "    if total == 0:\n"
        "        return 0.0\n"
        "    return 1 - (2 * np.sum(y_true * y_pred) + smooth) / (total + smooth)",
        'check("imbalanced.implement_dice", dice)',
        "def dice_bce(y_true, y_pred, smooth):\n"
        "    bce = -np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))\n"
        "    return bce + dice(y_true, y_pred, smooth)",
        'check("closing.implement_dice_bce", dice_bce)',
    ),
    _nb(
        "aliased_imports",
        "import numpy as xp, from exercises import check as grade_it, import exercises as ex",
        "import numpy as xp\n\nimport exercises as ex\nfrom exercises import check as grade_it",
        "q, y, y_hat = 0.9, 10.0, 12.0\nr = y - y_hat\n"
        'grade_it("regression.pinball_value", max(q * r, (q - 1) * r))',
        'ex.check("closing.mae_over_huber", <<right:closing.mae_over_huber>>)',
        "def my_huber(y_true, y_pred, delta):\n"
        "    r = xp.abs(xp.asarray(y_true, float) - xp.asarray(y_pred, float))\n"
        "    return xp.mean(xp.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)))\n\n\n"
        'ex.check("regression.implement_huber", my_huber)',
        'grade_it("closing.why_combine", <<right:closing.why_combine>>)',
    ),
    _nb(
        "answers_in_blocks",
        "answers inside if, for, with and try blocks",
        IMPORTS,
        'if True:  # sure about this one\n    check("closing.choose_vae", <<right:closing.choose_vae>>)',
        "for qid, letter in [\n"
        '    ("closing.choose_detection", <<right:closing.choose_detection>>),\n'
        '    ("closing.choose_verification", <<right:closing.choose_verification>>),\n'
        "]:\n    check(qid, letter)",
        'with np.errstate(divide="ignore"):\n'
        "    p, q = np.array([0.5, 0.5]), np.array([0.9, 0.1])\n"
        '    check("distributions.kl_pq_value", float(np.sum(p * np.log(p / q))))',
        "try:\n"
        '    check("closing.choose_clean_regression", <<right:closing.choose_clean_regression>>)\n'
        "except KeyError as exc:\n    print(exc)",
    ),
    _nb(
        "scipy_from_arrays",
        "answers computed from earlier arrays with scipy (scipy.stats.entropy, scipy.special.xlogy)",
        "import numpy as np\nfrom scipy import special, stats\nfrom scipy.special import xlogy\n"
        "from exercises import check",
        "P = np.array([0.5, 0.5])\nQ = np.array([0.9, 0.1])\nz = np.array([2.0, 1.0, 0.0])",
        "kl_pq = stats.entropy(P, Q)\nkl_qp = np.sum(xlogy(Q, Q) - xlogy(Q, P))",
        'check("distributions.kl_pq_value", kl_pq)\ncheck("distributions.kl_qp_value", kl_qp)',
        'check("classification.ce_value", -special.log_softmax(z)[0])',
        "def kl(p, q):\n    return np.sum(xlogy(p, p) - xlogy(p, q))\n\n\n"
        'check("distributions.implement_kl", kl)',
    ),
    _nb(
        "error_cell_and_rechecks",
        "an unrelated cell that raises; answers checked twice (wrong then right, right then wrong)",
        IMPORTS,
        'check("regression.quantile_level", <<wrong:regression.quantile_level>>)',
        "scaled = undefined_data * 2  # an unrelated cell that fails",
        'check("regression.quantile_level", <<right:regression.quantile_level>>)',
        'check("metric_learning.triplet_value", 0.8 - 1.1)',
        'check("metric_learning.triplet_value", max(0.0, 0.8 - 1.1 + 0.5))',
        'check("regression.why_huber_helps", <<right:regression.why_huber_helps>>)',
        'check("regression.why_huber_helps", <<wrong:regression.why_huber_helps>>)  # changed my mind',
        wrong=True,
    ),
    _nb(
        "rng_draws_across_cells",
        "a seeded generator drawn in several cells; the answer uses the second draw",
        "import numpy as np\nfrom exercises import check\n\nrng = np.random.default_rng(0)",
        "a = rng.normal(size=3)  # a first look at some data\nprint(a.round(2))",
        "b = rng.normal(size=3)\ndirection = b / np.linalg.norm(b)",
        "anchor = np.zeros((1, 3))\n"
        "positive, negative = 0.8 * direction[None], 1.1 * direction[None]\n"
        "d_ap = np.linalg.norm(anchor - positive)\nd_an = np.linalg.norm(anchor - negative)\n"
        'check("metric_learning.triplet_value", max(0.0, d_ap - d_an + 0.5))',
    ),
    _nb(
        "file_written_by_earlier_cell",
        "an experiment's result saved to a file in one cell and read back by a later answer",
        IMPORTS,
        "logits = np.array([2.0, 1.0, 0.0])\n"
        "probs = np.exp(logits) / np.sum(np.exp(logits))\n"
        'with open("probs.txt", "w") as fh:\n'
        '    fh.write(" ".join(str(p) for p in probs))',
        'saved = np.array(open("probs.txt").read().split(), dtype=float)\n'
        'check("classification.ce_value", -np.log(saved[0]))',
    ),
    _nb(
        "wrong_huber_missing_half",
        "an honest Huber missing its ½ (fails), and a numeric answer it still gets right",
        IMPORTS,
        "def my_huber(y_true, y_pred, delta):\n"
        "    r = np.abs(np.asarray(y_true, float) - np.asarray(y_pred, float))\n"
        "    return np.mean(np.where(r <= delta, r**2, delta * (r - 0.5 * delta)))",
        'check("regression.implement_huber", my_huber)',
        'check("regression.huber_value", my_huber(np.array([0.0]), np.array([5.0]), 2.0))',
        wrong=True,
    ),
    _nb(
        "wrong_options_and_slips",
        "a wrong option, a partly right multiple choice, numeric slips (one under %%capture)",
        IMPORTS,
        'check("classification.ce_wants", <<wrong:classification.ce_wants>>)',
        'r = 100\ncheck("regression.outlier_gradient_mse", abs(r))  # forgot the factor 2',
        'check("regression.huber_facts", [<<partial:regression.huber_facts>>])',
        '%%capture\ncheck("classification.hinge_value", 1 - 0.3)  # sign slip',
        'P, Q = np.array([0.5, 0.5]), np.array([0.9, 0.1])\ncheck("distributions.kl_pq_value", np.sum(P * np.log2(P / Q)))',
        wrong=True,
    ),
)
