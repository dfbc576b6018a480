r"""Exercises for the classification chapter (cross-entropy, binary cross-entropy, hinge),
mirroring self-check 2.

Self-check 2 asks what cross-entropy and hinge loss each "want" from a model and when to prefer
one over the other. The questions below check those two goals, which loss is zero for a confidently
correct sample, when probabilities matter, the output layer for multi-label problems, two values to
compute by hand, and ask the reader to implement cross-entropy. Two more are about calibration
after training: why a temperature cannot change the accuracy, and which way a temperature fitted
after label smoothing goes. The last three go with the chapter's additions: the multiclass hinge
of Crammer and Singer computed by hand (its Weston–Watkins twin is a wrong value with its own
feedback), an expected calibration error computed by hand with two bins, and a prediction of how
the ECE of calibrated probabilities changes with ten times more samples.

The four computations (``hinge_value``, ``ce_value``, ``multiclass_hinge_value`` and
``ece_two_bins``) have per-student variants (:class:`~exercises.bank.variants.Parametric`): the
book's numbers are variant 0.

Question ids: ``classification.ce_wants``, ``classification.hinge_wants``,
``classification.zero_loss``, ``classification.prefer_ce``, ``classification.multilabel``,
``classification.hinge_value``, ``classification.ce_value``,
``classification.implement_cross_entropy``, ``classification.temperature_accuracy``,
``classification.smoothing_temperature``, ``classification.multiclass_hinge_value``,
``classification.ece_two_bins``, ``classification.ece_floor_samples``.

>>> from exercises import check
>>> check("classification.zero_loss", "hinge").passed
True
"""

from __future__ import annotations

import numpy as np

import losses

from .model import Case, ChoiceQuestion, CodeQuestion, Mistake, NumericQuestion, Option
from .registry import register
from .variants import Parametric

CHAPTER = "classification"
MIRRORS = "Self-check 2: what cross-entropy and hinge loss each want, and when to prefer each"
BEYOND_GUIDE = (
    "Beyond the study guide: calibration after training (temperature scaling, label smoothing), "
    "which the guide does not cover (no self-check of its own)"
)
MULTICLASS = "Compute: the multiclass hinge of Crammer and Singer, against Weston and Watkins's"
ECE_BINS = "Compute and predict: what the expected calibration error owes to its bins"

ce_wants = ChoiceQuestion(
    id="classification.ce_wants",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt="What does cross-entropy loss ask of a classifier's outputs?",
    options=(
        Option(
            "calibrated",
            "Probabilities that match how often each outcome really happens",
            True,
            "Cross-entropy is the negative log-likelihood: a proper scoring rule, so its expected "
            "value is minimised by the true probabilities, and its gradient p − t never becomes "
            "exactly zero.",
        ),
        Option(
            "margin",
            "A true-class score ahead of the others by a margin, nothing more",
            False,
            "That is what hinge loss asks for. Cross-entropy never stops rewarding more confidence "
            "in the right class: its gradient is zero only at probability 1.",
        ),
        Option(
            "accuracy",
            "As many right answers as possible, which it counts directly",
            False,
            "Accuracy counts 0-1 errors and has zero gradient almost everywhere; cross-entropy is "
            "a smooth stand-in for it that also cares about the probabilities.",
        ),
        Option(
            "small_scores",
            "Scores kept near zero, so that it is never over-confident",
            False,
            "Cross-entropy rewards confidence in the right class (unpenalised, its weights grow "
            "for as long as it trains on a separable set); keeping scores small is the job of a "
            "penalty, of label smoothing or of a temperature.",
        ),
    ),
    hints=("Think of the loss as −log of the probability given to the true class.",),
)

hinge_wants = ChoiceQuestion(
    id="classification.hinge_wants",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=r"What does hinge loss $\max(0,\ 1 - y\,f(x))$, with $y \in \{-1, +1\}$, ask of a classifier?",
    options=(
        Option(
            "margin",
            "Every sample on its side with y·f ≥ 1; past that, nothing",
            True,
            "Right: for y·f ≥ 1 the loss and its gradient are exactly zero, so only samples near or "
            "on the wrong side of the boundary (the support vectors) shape the model.",
        ),
        Option(
            "probabilities",
            "Scores whose sigmoid σ(f) matches how often y = +1",
            False,
            "Hinge scores are not probabilities and hinge loss does not calibrate them (the SVM's "
            "σ(f) was under-confident in the chapter's experiment); that is cross-entropy's goal.",
        ),
        Option(
            "all_samples",
            "Every sample pushing on the boundary, however well placed",
            False,
            "That describes cross-entropy. Hinge loss is flat (zero) beyond the margin.",
        ),
        Option(
            "exactly_one",
            "Scores of exactly ±1, so that y·f = 1 for every sample",
            False,
            "A score of 5 for a positive sample costs nothing: the hinge only needs y·f ≥ 1. The "
            "best score is ±1 only for the expected loss where the classes overlap.",
        ),
    ),
    hints=("What is the loss, and its gradient, for a sample with y·f(x) = 3?",),
)

zero_loss = ChoiceQuestion(
    id="classification.zero_loss",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"A sample with label $y = +1$ gets score $f = 3$; the logistic model turns it into "
        r"$\sigma(3) \approx 0.95$ for the positive class. Which loss is **exactly** zero for it?"
    ),
    options=(
        Option(
            "hinge",
            "Hinge loss only",
            True,
            "max(0, 1 − 1·3) = 0, while cross-entropy gives −log 0.95 ≈ 0.049 > 0.",
        ),
        Option(
            "cross_entropy",
            "Cross-entropy only",
            False,
            "−log σ(3) ≈ 0.049: small, but never zero for a finite score.",
        ),
        Option(
            "both",
            "Both",
            False,
            "Cross-entropy reaches zero only when the probability is exactly 1.",
        ),
        Option("neither", "Neither", False, "The margin is y·f = 3 ≥ 1, so hinge loss is zero."),
    ),
    hints=("Compute max(0, 1 − y·f) and −log σ(f).",),
)

prefer_ce = ChoiceQuestion(
    id="classification.prefer_ce",
    chapter=CHAPTER,
    kind="multiple",
    points=2,
    mirrors=MIRRORS,
    prompt="In which situations is cross-entropy the better choice than hinge loss?",
    options=(
        Option(
            "risk_scores",
            "You need probabilities you can threshold or combine with costs, such as a risk score",
            True,
            "A model trained with cross-entropy estimates probabilities; hinge scores are not "
            "probabilities.",
        ),
        Option(
            "ensemble",
            "Later steps average the outputs of several models, or feed them into a decision that "
            "expects confidences",
            True,
            "Averaging or combining confidences only makes sense when they mean something.",
        ),
        Option(
            "sparse",
            "You want the boundary to depend only on a few samples near it (support vectors)",
            False,
            "That is hinge loss's property: samples beyond the margin have zero gradient.",
        ),
        Option(
            "ignore_easy",
            "You want samples classified correctly with a comfortable margin to stop influencing "
            "training",
            False,
            "Hinge loss does that; cross-entropy keeps a small gradient for every sample.",
        ),
    ),
    hints=("Which loss produces outputs you can read as probabilities?",),
)

multilabel = ChoiceQuestion(
    id="classification.multilabel",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        "A photo can show a cat, a dog, both, or neither. Which output layer and loss fit this "
        "multi-label problem?"
    ),
    options=(
        Option(
            "softmax_ce",
            "One softmax over {cat, dog} with cross-entropy",
            False,
            "A softmax makes the classes compete: its probabilities sum to 1, so 'cat and dog' "
            "and 'neither' cannot both be expressed.",
        ),
        Option(
            "sigmoid_bce",
            "One sigmoid per label with binary cross-entropy on each",
            True,
            "Each label gets its own independent yes/no probability.",
        ),
        Option(
            "hinge_multiclass",
            "A multi-class hinge loss that picks the best label",
            False,
            "The multiclass hinge asks the one true class to beat every other by a margin: one "
            "best label cannot express 'both' or 'neither'.",
        ),
        Option(
            "hinge_01",
            "One score per label, trained with the hinge loss on 0/1 labels",
            False,
            "The hinge needs labels ±1: with a 0 label the loss is max(0, 1 − 0·f) = 1 whatever "
            "the score, so the negatives teach nothing; and hinge scores are no probabilities to "
            "threshold.",
        ),
    ),
    hints=("Are the labels mutually exclusive?",),
)


def _hinge_value(params: dict) -> NumericQuestion:
    f = float(params["f"])
    loss = float(losses.hinge([-1.0], [f]))
    return NumericQuestion(
        id="classification.hinge_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            rf"A sample with label $y = -1$ receives the score $f = {f:g}$. What is its hinge loss "
            r"$\max(0,\ 1 - y f)$?"
        ),
        answer=loss,
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (1 - f, f"That is 1 − f: the label y = −1 flips the sign, so y·f = −{f:g}."),
            (0.0, f"The sample is on the wrong side (y·f = −{f:g} < 1), so the loss is positive."),
            (-loss, "A hinge loss is never negative."),
        ),
        hints=("Compute y·f first, then 1 − y·f.",),
        explanation=f"y·f = −{f:g}, so the loss is 1 − (−{f:g}) = {loss:g}.",
    )


def _draw_hinge_value(rng: np.random.Generator) -> dict:
    # a positive score for a negative sample: on the wrong side, so the loss 1 + f is positive
    # and differs from the slips 1 − f, 0 and −(1 + f)
    # (f = 1 is left out: its slip 1 − f would be the slip 0)
    scores = [round(0.05 * k, 2) for k in range(1, 61) if k != 20]
    return {"f": float(rng.choice(scores))}


hinge_value = Parametric(
    build=_hinge_value,
    draw=_draw_hinge_value,
    params0={"f": 0.3},
    shown=lambda p: (f"receives the score $f = {p['f']:g}$",),
)

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _exp_text(values: tuple[float, ...]) -> list[str]:
    """e to each value as the explanations write it: ``e²``, ``e``, ``1`` for integers (the
    book's), ``exp(2.5)`` for all of them as soon as one is not an integer."""
    if all(float(v).is_integer() for v in values):
        return [
            "1" if v == 0 else "e" if v == 1 else "e" + f"{int(v)}".translate(_SUPERSCRIPT)
            for v in values
        ]
    return [f"exp({v:g})".replace("-", "−") for v in values]


def _tex_power(v: float) -> str:
    """``e^2``, ``e^{2.5}``, ``e^{-1}``: e to the value in LaTeX."""
    text = f"{v:g}"
    return f"e^{text}" if len(text) == 1 else f"e^{{{text}}}"


def _ce_value(params: dict) -> NumericQuestion:
    z = tuple(float(v) for v in params["z"])
    loss = float(losses.cross_entropy([0], [list(z)], from_logits=True))
    prob = float(np.exp(-loss))
    shown = ", ".join(f"{v:g}" for v in z)
    top, *terms = _exp_text((z[0], *z))
    tex = [_tex_power(v) for v in z]
    # the probability to three decimals, or four where −ln of three would not give the key's
    nd = 3 if f"{-np.log(round(prob, 3)):.3f}" == f"{loss:.3f}" else 4
    return NumericQuestion(
        id="classification.ce_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            rf"A three-class model outputs the scores (logits) $z = ({shown})$ and the true class "
            r"is the first one. What is the cross-entropy loss $-\log \operatorname{softmax}(z)_1$ "
            "(natural log)? Give three decimals."
        ),
        answer=loss,
        abs_tol=1e-3,
        rel_tol=0.0,
        wrong_values=(
            (
                loss / np.log(2),
                "That is in bits (log base 2); the loss uses the natural logarithm.",
            ),
            (prob, "That is the softmax probability of the true class; the loss is −log of it."),
            (-z[0], "The raw score is not a probability: apply the softmax first."),
            (loss / np.log(10), "That uses log base 10; the loss uses the natural logarithm."),
        ),
        hints=(rf"$\operatorname{{softmax}}(z)_1 = {tex[0]} / ({tex[0]} + {tex[1]} + {tex[2]})$.",),
        explanation=(
            f"softmax(z)₁ = {top}/({' + '.join(terms)}) ≈ {prob:.{nd}f}, and −ln {prob:.{nd}f} ≈ "
            f"{loss:.3f}."
        ),
    )


def _draw_ce_value(rng: np.random.Generator) -> dict:
    # the true class keeps the largest logit (the model is right, as in the book), the two others
    # 0.5 to 5 below it: 55 pairs of gaps, so a class's keys rarely coincide; a loss of at least
    # 0.05 (three decimals still say something), and every slip four tolerances from the key and
    # from the others
    while True:
        top = 0.5 * int(rng.integers(2, 7))  # 1 to 3
        gaps = [0.5 * int(k) for k in rng.integers(1, 11, size=2)]  # 0.5 to 5
        params = {"z": (top, top - gaps[0], top - gaps[1])}
        q = _ce_value(params)
        if q.answer >= 0.05 and q.spread() > 4e-3:
            return params


ce_value = Parametric(
    build=_ce_value,
    draw=_draw_ce_value,
    params0={"z": (2.0, 1.0, 0.0)},
    shown=lambda p: ("the logits $z = (" + ", ".join(f"{v:g}" for v in p["z"]) + ")$",),
)


# ----------------------------------------------------------------------------- code question

_NAMES = ("labels", "probs")


def _ce_reference(labels, probs):
    return losses.cross_entropy(labels, probs)


def _case(name, labels, probs):
    return Case(name, (np.array(labels, dtype=np.int64), np.array(probs, dtype=np.float64)), _NAMES)


def _random_ce_case(rng: np.random.Generator) -> Case:
    n = int(rng.integers(1, 26))
    c = int(rng.integers(2, 9))
    if n == c:
        n += 1
    logits = rng.normal(0.0, 2.0, size=(n, c))
    probs = losses.softmax(logits, axis=-1)
    probs = np.clip(probs, 1e-9, None)
    probs /= probs.sum(axis=1, keepdims=True)
    labels = rng.integers(0, c, size=n)
    return Case(f"{n} samples, {c} classes", (labels.astype(np.int64), probs), _NAMES)


def _true_p(labels, probs):
    probs = np.asarray(probs, dtype=float)
    return probs[np.arange(len(labels)), np.asarray(labels)]


def _m_sum(labels, probs):
    return -np.sum(np.log(_true_p(labels, probs)))


def _m_log2(labels, probs):
    return -np.mean(np.log2(_true_p(labels, probs)))


def _m_log10(labels, probs):
    return -np.mean(np.log10(_true_p(labels, probs)))


def _m_column_index(labels, probs):
    return -np.mean(np.log(np.asarray(probs)[:, np.asarray(labels)]))


def _onehot(labels, probs):
    out = np.zeros_like(np.asarray(probs, dtype=float))
    out[np.arange(len(labels)), np.asarray(labels)] = 1.0
    return out


def _m_mean_all_entries(labels, probs):
    return -np.mean(_onehot(labels, probs) * np.log(probs))


def _m_all_classes(labels, probs):
    return -np.mean(np.sum(np.log(probs), axis=1))


def _m_entropy(labels, probs):
    p = np.asarray(probs)
    return -np.mean(np.sum(p * np.log(p), axis=1))


def _m_bce_onehot(labels, probs):
    y = _onehot(labels, probs)
    p = np.asarray(probs)
    return -np.mean(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1))


def _m_one_minus_p(labels, probs):
    return np.mean(1.0 - _true_p(labels, probs))


def _m_mean_true_prob_log_wrong(labels, probs):
    return -np.log(np.mean(_true_p(labels, probs)))


def _grid_row(rng: np.random.Generator, c: int, parts: int = 20) -> list[float]:
    """A probability row of ``c`` entries, each a positive multiple of 1/``parts`` (0.05 by
    default): printable without floating-point noise, and never exactly 0 or 1."""
    cuts = np.sort(rng.choice(np.arange(1, parts), size=c - 1, replace=False))
    counts = np.diff(np.concatenate([[0], cuts, [parts]]))
    return [round(int(k) / parts, 2) for k in counts]


def _ce_fixed_draw(rng: np.random.Generator) -> tuple[Case, ...]:
    """A student's fixed cases of ``implement_cross_entropy``: the book's six edges with other
    values (every probability strictly inside (0, 1))."""
    # a plain batch
    n1, c1 = int(rng.integers(2, 5)), int(rng.integers(3, 5))
    case1 = _case(
        f"{n1} samples, {c1} classes",
        rng.integers(0, c1, size=n1),
        [_grid_row(rng, c1) for _ in range(n1)],
    )
    # a confident right and a confident wrong prediction, two classes, in either order
    hi = float(rng.choice([0.95, 0.96, 0.97, 0.98, 0.99]))
    lo = float(rng.choice([0.01, 0.02, 0.03, 0.04, 0.05]))
    rows, labels = [], []
    for p_true in (hi, lo) if rng.random() < 0.5 else (lo, hi):
        label = int(rng.integers(0, 2))
        row = [round(1 - p_true, 2), round(1 - p_true, 2)]
        row[label] = p_true
        rows.append(row)
        labels.append(label)
    case2 = _case(
        "a confident right and a confident wrong prediction (true-class p = "
        f"{rows[0][labels[0]]:g} and {rows[1][labels[1]]:g})",
        labels,
        rows,
    )
    # the true class is the last one (twice), among 4 to 6 classes
    c3 = int(rng.integers(4, 7))
    labels3 = [c3 - 1, c3 - 1, int(rng.integers(0, c3 - 1))]
    rng.shuffle(labels3)
    case3 = _case(
        f"the true class is the last of {c3}", labels3, [_grid_row(rng, c3) for _ in range(3)]
    )
    # a single sample
    c4 = int(rng.integers(3, 6))
    label4 = int(rng.integers(0, c4))
    case4 = _case(f"a single sample, true class {label4} of {c4}", [label4], [_grid_row(rng, c4)])
    # a uniform prediction (1/C is a short decimal), the loss is ln C
    c5, n5 = int(rng.choice([4, 5, 8, 10])), int(rng.integers(3, 7))
    case5 = _case(
        f"{c5} classes, uniform prediction, {n5} samples",
        rng.integers(0, c5, size=n5),
        np.full((n5, c5), 1 / c5),
    )
    # probabilities close to (not at) 0 and 1: two tiny ones (a confident right each), a
    # confident wrong one and an even row
    e1, e2 = (float(x) for x in rng.choice([1e-5, 1e-6, 1e-7, 1e-8], size=2, replace=False))
    s = float(rng.choice([0.001, 0.002, 0.005]))
    even = float(rng.choice([0.5, 0.4, 0.6]))
    rows6 = [[1 - e1, e1], [e2, 1 - e2], [1 - s, s], [even, round(1 - even, 1)]]
    labels6 = [0, 1, 1, int(rng.integers(0, 2))]
    flip = rng.random(4) < 0.5  # the same edges with the classes swapped
    rows6 = [row[::-1] if f else row for row, f in zip(rows6, flip, strict=True)]
    labels6 = [1 - lab if f else lab for lab, f in zip(labels6, flip, strict=True)]
    case6 = _case(
        f"probabilities close to (not at) 0 and 1: {min(e1, e2):g} and 1 − {min(e1, e2):g}",
        labels6,
        rows6,
    )
    return case1, case2, case3, case4, case5, case6


implement_cross_entropy = CodeQuestion(
    id="classification.implement_cross_entropy",
    chapter=CHAPTER,
    kind="code",
    points=3,
    mirrors=MIRRORS,
    prompt=(
        "Write `cross_entropy(labels, probs)` returning the **mean** cross-entropy over the "
        "samples. `labels` is an integer array of shape `(n,)` with values in `0 … C-1`; `probs` "
        "has shape `(n, C)` and each row is a probability distribution (no entry is exactly 0 or 1). "
        r"For sample $i$ the loss is $-\ln p_{i, y_i}$, the negative natural log of the probability "
        "given to its true class. Use numpy and no loops; return one number."
    ),
    signature="cross_entropy(labels, probs)",
    stand_ins=("losses.cross_entropy", "losses.cross_entropy_grad"),
    reference=_ce_reference,
    fixed_cases=(
        _case(
            "3 samples, 3 classes",
            [0, 2, 1],
            [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25]],
        ),
        _case(
            "a confident right and a confident wrong prediction",
            [1, 0],
            [[0.01, 0.99], [0.02, 0.98]],
        ),
        _case(
            "the true class is the last of 4",
            [3, 3, 0],
            [[0.1, 0.2, 0.3, 0.4], [0.05, 0.05, 0.1, 0.8], [0.6, 0.2, 0.1, 0.1]],
        ),
        _case("a single sample", [2], [[0.2, 0.3, 0.5]]),
        _case("10 classes, uniform prediction", [0, 3, 9, 5, 1], np.full((5, 10), 0.1)),
        _case(
            "probabilities close to (not at) 0 and 1",
            [0, 1, 1, 0],
            [[1 - 1e-7, 1e-7], [1e-6, 1 - 1e-6], [0.999, 0.001], [0.5, 0.5]],
        ),
    ),
    random_case=_random_ce_case,
    fixed_draw=_ce_fixed_draw,
    n_random=8,
    mistakes=(
        Mistake(_m_sum, "You returned the sum over samples; the question asks for the mean."),
        Mistake(
            _m_log2, "You used log base 2 (bits); the loss uses the natural logarithm, np.log."
        ),
        Mistake(_m_log10, "You used log base 10; the loss uses the natural logarithm, np.log."),
        Mistake(
            _m_column_index,
            "`probs[:, labels]` picks whole columns (an n × n array), not one entry per sample. "
            "Use `probs[np.arange(n), labels]`.",
        ),
        Mistake(
            _m_mean_all_entries,
            "You averaged over all n·C entries of one-hot × log p; average over the n samples only.",
        ),
        Mistake(
            _m_bce_onehot,
            "That is binary cross-entropy applied to every class of a one-hot target; multi-class "
            "cross-entropy uses only the true class's probability: −ln p[i, y_i].",
        ),
        Mistake(
            _m_all_classes,
            "You summed log p over every class; only the true class's probability counts.",
        ),
        Mistake(
            _m_entropy,
            "That is the entropy of the predictions; the labels must pick the probability to use.",
        ),
        Mistake(
            _m_one_minus_p, "1 − p is not cross-entropy; take −ln of the true class's probability."
        ),
        Mistake(
            _m_mean_true_prob_log_wrong,
            "Take the log of each sample's probability first, then the mean (not the log of the mean).",
        ),
    ),
    hints=(
        "Pick each sample's true-class probability with probs[np.arange(len(labels)), labels].",
    ),
)

# ------------------------------------------ beyond the guide: calibration after training

temperature_accuracy = ChoiceQuestion(
    id="classification.temperature_accuracy",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=BEYOND_GUIDE,
    prompt=(
        "A 10-class network is 91 % accurate on its test set, and over-confident. You fit a "
        r"temperature on held-out data, find $T = 2.3$, and from now on report "
        r"$\operatorname{softmax}(z / T)$ instead of $\operatorname{softmax}(z)$. What happens to "
        "its test accuracy?"
    ),
    options=(
        Option(
            "unchanged",
            "It stays exactly the same",
            True,
            "Dividing all the logits of a sample by the same T > 0 keeps their order, so the "
            "largest stays the largest: every predicted class, and with them the accuracy, is "
            "unchanged. Only the confidence moves.",
        ),
        Option(
            "rises",
            "It rises, because better-calibrated probabilities lead to better decisions",
            False,
            "Calibration changes how sure the model says it is, not which class it picks: the "
            "argmax of z/T is the argmax of z for every T > 0.",
        ),
        Option(
            "falls",
            "It falls a little, because T > 1 makes every prediction less confident",
            False,
            "Less confident is not less accurate: the top class keeps the largest probability; "
            "it only gets less of it.",
        ),
        Option(
            "depends",
            "It can go either way, depending on the calibration set",
            False,
            "That is true of a recalibration with parameters per class, which can reorder the "
            "classes, not of one temperature shared by all the logits.",
        ),
    ),
    hints=("Compare the largest entry of z and of z/T when T is positive.",),
)

smoothing_temperature = ChoiceQuestion(
    id="classification.smoothing_temperature",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=BEYOND_GUIDE,
    prompt=(
        r"A model trained with label smoothing ($\varepsilon = 0.2$) is right on 85 % of held-out "
        "samples, but its mean confidence there is only 70 %. You then fit a temperature on a "
        "calibration set. What do you expect?"
    ),
    options=(
        Option(
            "sharpen",
            "T < 1: it sharpens the probabilities, undoing part of the smoothing",
            True,
            "The model is under-confident (confidence below accuracy), so the held-out loss wants "
            "larger logits, and z/T with T < 1 scales them up. Label smoothing and temperature "
            "scaling both act on the confidence; after smoothing, the fitted T often falls below "
            "1 (it does in the chapter's experiment).",
        ),
        Option(
            "soften",
            "T > 1, as for any network trained with cross-entropy",
            False,
            "T > 1 softens the probabilities: the repair for over-confidence. This model is "
            "under-confident, so softening would make it worse.",
        ),
        Option(
            "one",
            "T = 1: label smoothing has already calibrated the model",
            False,
            "Label smoothing pulls the confidence down by an amount set by ε, not by the data; "
            "here it went below the accuracy, so the held-out loss is lowest at some T ≠ 1.",
        ),
        Option(
            "accuracy",
            "The temperature brings the accuracy back to what it would be without smoothing",
            False,
            "A temperature never changes the predicted class, so it cannot change the accuracy.",
        ),
    ),
    hints=("Is this model over- or under-confident, and which way does T move the probabilities?",),
)

# ------------------------------------------------------- multiclass hinge and ECE binning


def _weston_watkins(scores, label):
    """Σ_{c≠y} max(0, 1 − (s_y − s_c)): the other multiclass hinge, for its wrong value."""
    s = np.asarray(scores[0], dtype=float)
    return float(sum(max(0.0, 1.0 - (s[label] - s[c])) for c in range(len(s)) if c != label))


def _decimals(values) -> int:
    """1 when every value is a multiple of 0.1 (the book's scores), else 2."""
    return 1 if all(abs(round(v, 1) - v) < 1e-9 for v in values) else 2


def _multiclass_hinge_value(params: dict) -> NumericQuestion:
    s = tuple(float(v) for v in params["s"])
    nd = _decimals(s)

    def num(x: float) -> str:
        return f"{x:.{nd}f}".replace("-", "−")

    loss = float(losses.multiclass_hinge([0], [list(s)]))
    ww = _weston_watkins([s], 0)
    rival, low = max(s[1:]), min(s[1:])
    shortfalls = [max(0.0, 1.0 - (s[0] - c)) for c in s[1:]]
    tex = r",\ ".join(f"{v:.{nd}f}" for v in s)
    return NumericQuestion(
        id="classification.multiclass_hinge_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MULTICLASS,
        prompt=(
            rf"A three-class linear SVM gives one sample the scores $s = ({tex})$; its true "
            "class is the first. What is its multiclass hinge loss in the Crammer–Singer form, "
            r"$\max\bigl(0,\ 1 - (s_y - \max_{c \ne y} s_c)\bigr)$?"
        ),
        answer=loss,
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (
                ww,
                "That is the Weston–Watkins form: it adds the shortfall of every wrong class "
                f"within the margin ({num(shortfalls[0])} for the second, {num(shortfalls[1])} "
                "for the third). Crammer and Singer keep only the best-scoring wrong class.",
            ),
            (
                ww / 3,
                "That is PyTorch's MultiMarginLoss: the Weston–Watkins sum divided by the number of "
                "classes. Crammer and Singer take the best-scoring wrong class only.",
            ),
            (
                max(0.0, 1.0 - (s[0] - low)),
                f"You compared the true class with the lowest other score ({num(low)}); the rival "
                f"is the highest other score, {num(rival)}.",
            ),
            (
                rival - s[0],
                "That is s_rival − s_y without the margin: the loss asks the true score to lead by "
                f"at least 1, so it is 1 − ({num(s[0])} − {num(rival)}).",
            ),
        ),
        hints=("Find the best-scoring wrong class first, then the margin s_y − s_rival.",),
        explanation=(
            f"The best wrong class scores {num(rival)}, so the margin is {num(s[0])} − "
            f"{num(rival)} = {num(s[0] - rival)} (the sample is misclassified) and the loss is "
            f"1 − ({num(s[0] - rival)}) = {num(loss)}."
        ),
    )


def _draw_multiclass_hinge_value(rng: np.random.Generator) -> dict:
    # as in the book: the rival beats the true class by a = 0.05 to 2.5 (misclassified; the key
    # 1 + a takes 50 values, so a class's keys rarely coincide), and the third class lies b = 0.05
    # to 0.9 below the true class, within the margin, so that Weston–Watkins adds a shortfall; the
    # rival in second or third place; every slip at least 0.02 from the key and from the others
    # (a + b = 1 would make the slip "lowest other score" equal the slip "no margin")
    while True:
        true = round(0.05 * int(rng.integers(20, 41)), 2)  # 1 to 2
        rival = round(true + 0.05 * int(rng.integers(1, 51)), 2)
        low = round(true - 0.05 * int(rng.integers(1, 19)), 2)
        params = {"s": (true, rival, low) if rng.integers(2) else (true, low, rival)}
        q = _multiclass_hinge_value(params)
        if q.spread() > 0.02:
            return params


multiclass_hinge_value = Parametric(
    build=_multiclass_hinge_value,
    draw=_draw_multiclass_hinge_value,
    params0={"s": (1.0, 1.5, 0.8)},
    shown=lambda p: (
        "the scores $s = (" + r",\ ".join(f"{v:.{_decimals(p['s'])}f}" for v in p["s"]) + ")$",
    ),
)

#: the book's probabilities and labels (the chapter's experiments test their ECE)
_ECE_P = (0.1, 0.3, 0.6, 0.8, 0.9)
_ECE_Y = (0, 1, 0, 1, 1)


def _ece(y, p, n_bins):
    """ECE with equal-width bins [0, 1/B), …, [(B−1)/B, 1]: Σ_b (n_b / N)·|ȳ_b − p̄_b|."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    idx = np.minimum((p * n_bins).astype(int), n_bins - 1)
    return float(
        sum(np.sum(idx == b) * abs(y[idx == b].mean() - p[idx == b].mean()) for b in set(idx))
        / p.size
    )


def _d3(x: float) -> str:
    """A number to at most three decimals, as the explanations write it (0.767, 0.2)."""
    return f"{round(x, 3):g}"


def _listed(values) -> str:
    """``0.1 and 0.3``, ``0.6, 0.8 and 0.9``."""
    texts = [f"{v:g}" for v in values]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _ece_two_bins(params: dict) -> NumericQuestion:
    p = tuple(float(v) for v in params["p"])
    y = tuple(int(v) for v in params["y"])
    n = len(p)
    low = [i for i in range(n) if p[i] < 0.5]
    high = [i for i in range(n) if p[i] >= 0.5]
    bins = []  # (mean prediction, mean label, gap, count) of each bin
    for members in (low, high):
        mean_p = float(np.mean([p[i] for i in members]))
        mean_y = float(np.mean([y[i] for i in members]))
        bins.append((mean_p, mean_y, abs(mean_y - mean_p), len(members)))
    gaps = [g for _, _, g, _ in bins]
    weights = [f"{c}/{n}" for *_, c in bins]
    parts = [c / n * g for _, _, g, c in bins]
    ece = _ece(y, p, 2)
    exact = all(abs(round(x, 3) - x) < 1e-9 for x in (*parts, ece))
    eq = "=" if exact else "≈"
    tex_p = r",\ ".join(f"{v:g}" for v in p)
    tex_y = r",\ ".join(f"{v}" for v in y)
    return NumericQuestion(
        id="classification.ece_two_bins",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=ECE_BINS,
        prompt=(
            rf"A model predicts the probabilities $p = ({tex_p})$ for five samples whose labels "
            rf"are $y = ({tex_y})$. Compute its expected calibration error with two equal-width "
            r"bins, $[0, 0.5)$ and $[0.5, 1]$: $\sum_b \frac{n_b}{N}\,|\bar y_b - \bar p_b|$. "
            "Give three decimals."
        ),
        answer=ece,
        abs_tol=1e-3,
        rel_tol=0.0,
        wrong_values=(
            (
                _ece(y, p, 1),
                "That is the ECE with one bin, |mean(y) − mean(p)|: the two bins' gaps point "
                "opposite ways and cancel in a single bin. The question asks for two.",
            ),
            (
                round(sum(gaps) / 2, 12),
                f"That is the plain mean of the two bins' gaps, {_d3(gaps[0])} and {_d3(gaps[1])}: "
                f"weigh each by its share of the samples, {weights[0]} and {weights[1]}.",
            ),
            (
                float(np.mean(np.abs(np.subtract(y, p)))),
                "That is the mean of |y − p| over the samples: one bin per sample, not two bins.",
            ),
            (
                round(sum(gaps), 12),
                "That is the sum of the two gaps without weights: weigh each by its share of the "
                f"samples, {weights[0]} and {weights[1]}.",
            ),
        ),
        hints=(
            f"The first bin holds {_listed(p[i] for i in low)}, the second "
            f"{_listed(p[i] for i in high)}: compare each bin's mean label with its mean "
            "prediction.",
        ),
        explanation=(
            " ".join(
                f"{name} bin: mean prediction {_d3(mp)}, mean label {_d3(my)}, gap {_d3(g)}, "
                f"weight {w}."
                for name, (mp, my, g, _), w in zip(("First", "Second"), bins, weights, strict=True)
            )
            + f" ECE {eq} {_d3(parts[0])} + {_d3(parts[1])} {eq} {_d3(ece)}."
        ),
    )


def _draw_ece_two_bins(rng: np.random.Generator) -> dict:
    # as in the book: five probabilities on a 0.05 grid (never 0.5, on the edge of the bins), two
    # or three below 0.5 and all different within a bin, in increasing order; the first bin's
    # mean label above its mean prediction and the second's below (gaps of opposite signs, which
    # a single bin cancels); every slip four tolerances from the key and from the others
    below = [round(0.05 * k, 2) for k in range(1, 10)]  # 0.05 to 0.45
    above = [round(0.05 * k, 2) for k in range(11, 20)]  # 0.55 to 0.95
    while True:
        n_low = int(rng.integers(2, 4))
        p = sorted(rng.choice(below, n_low, replace=False)) + sorted(
            rng.choice(above, 5 - n_low, replace=False)
        )
        y = [int(v) for v in rng.integers(0, 2, size=5)]
        params = {"p": tuple(float(v) for v in p), "y": tuple(y)}
        if not (
            np.mean(y[:n_low]) > np.mean(p[:n_low]) and np.mean(y[n_low:]) < np.mean(p[n_low:])
        ):
            continue
        q = _ece_two_bins(params)
        if q.spread() > 4e-3:
            return params


def _shown_ece(params: dict) -> tuple[str, ...]:
    return (
        "the probabilities $p = (" + r",\ ".join(f"{v:g}" for v in params["p"]) + ")$",
        "labels are $y = (" + r",\ ".join(f"{v}" for v in params["y"]) + ")$",
    )


#: the question with its variants; ``ece_two_bins`` stays the book's question (variant 0), which
#: the chapter's experiments check against their own ECE
ece_two_bins_variants = Parametric(
    build=_ece_two_bins,
    draw=_draw_ece_two_bins,
    params0={"p": _ECE_P, "y": _ECE_Y},
    shown=_shown_ece,
)
ece_two_bins = ece_two_bins_variants.question

ece_floor_samples = ChoiceQuestion(
    id="classification.ece_floor_samples",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=ECE_BINS,
    prompt=(
        "Predict before you run the cell below. The true probabilities of the two blobs are calibrated by construction, yet with 100 "
        "equal-width bins their ECE on the 4000 held-out samples is well above 0 (the binning "
        "table). With 40 000 held-out samples from the same source and the same 100 bins, their "
        "ECE is about…"
    ),
    options=(
        Option(
            "same",
            "The same as on 4000",
            False,
            "The bins are the same, but each now holds about ten times as many samples, and a "
            "bin's gap is the scatter of the mean of its labels, which shrinks as the count grows.",
        ),
        Option(
            "third",
            "A third of it",
            True,
            "A bin's gap is the scatter of the mean of its n_b labels, of the order of "
            "√(p(1 − p)/n_b): ten times the samples divide it by √10 ≈ 3.2.",
        ),
        Option(
            "tenth",
            "A tenth of it",
            False,
            "That would be a scatter shrinking like 1/n. The mean of n draws scatters like 1/√n: "
            "ten times the samples divide the gaps by √10 ≈ 3.2, not by 10.",
        ),
        Option(
            "zero",
            "Zero, up to rounding",
            False,
            "Calibration makes each bin's expected label equal its mean prediction; the labels "
            "drawn still scatter around it, so every bin keeps a gap of the order of √(p(1 − p)/n_b).",
        ),
    ),
    hints=("How does the scatter of the mean of n coin flips change when n is ten times larger?",),
)

register(
    ce_wants,
    hinge_wants,
    zero_loss,
    prefer_ce,
    multilabel,
    hinge_value,
    ce_value,
    implement_cross_entropy,
    temperature_accuracy,
    smoothing_temperature,
    multiclass_hinge_value,
    ece_two_bins_variants,
    ece_floor_samples,
)
