r"""Exercises for the metric-learning chapter (contrastive and triplet loss), mirroring self-check 5.

Self-check 5 asks, for a face-recognition system, what training data contrastive and triplet loss
need and what triplet loss offers. The questions below check the data each needs, what the relative
constraint of triplet loss buys (and that "triplet trains faster" is a claim to test, not a fact),
semi-hard negatives, two values to compute, and ask the reader to implement triplet loss.

Question ids: ``metric_learning.training_data``, ``metric_learning.triplet_advantage``,
``metric_learning.semi_hard``, ``metric_learning.triplet_value``,
``metric_learning.contrastive_value``, ``metric_learning.implement_triplet``.

>>> from exercises import check
>>> check("metric_learning.triplet_value", 0.2).passed
True
"""

from __future__ import annotations

import numpy as np

import losses

from ._core import Case, ChoiceQuestion, CodeQuestion, Mistake, NumericQuestion, Option, register

CHAPTER = "metric_learning"
MIRRORS = "Self-check 5: face recognition with contrastive or triplet loss (data needed, triplet's advantage)"

training_data = ChoiceQuestion(
    id="metric_learning.training_data",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt="What training examples does each loss consume?",
    options=(
        Option(
            "pairs_triplets",
            "Contrastive: pairs of faces labelled 'same person' or 'different people'. Triplet: an "
            "anchor, a positive of the same person and a negative of someone else",
            True,
            "Right. Both can be built from identity labels; what differs is the unit each loss scores.",
        ),
        Option(
            "reversed",
            "Contrastive: anchor/positive/negative triplets. Triplet: labelled pairs",
            False,
            "That swaps them: contrastive loss scores one pair at a time.",
        ),
        Option(
            "probabilities",
            "Both need a class-probability vector for every face",
            False,
            "Neither predicts classes; both only compare distances between embeddings.",
        ),
        Option(
            "unlabelled",
            "Both work on single unlabelled images",
            False,
            "Both need to know which faces belong to the same person (labels, or augmentations of "
            "the same image in self-supervised variants).",
        ),
    ),
    hints=("Count how many embeddings enter one term of each loss.",),
)

triplet_advantage = ChoiceQuestion(
    id="metric_learning.triplet_advantage",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt="What does triplet loss offer for learning discriminative face embeddings?",
    options=(
        Option(
            "relative",
            "It asks only that each anchor be closer to its positive than to its negative by a "
            "margin: a relative constraint, so faces of one person need not collapse to a single "
            "point and each person's cluster can keep its own spread",
            True,
            "Right: contrastive loss pulls every similar pair towards distance 0 and pushes every "
            "dissimilar pair beyond a fixed margin, absolute targets that triplet loss avoids.",
        ),
        Option(
            "always_faster",
            "It always trains faster than contrastive loss",
            False,
            "That is a claim to test, not a fact: how fast triplet loss learns depends heavily on "
            "how triplets are mined (most random triplets are already satisfied and give no "
            "gradient). The chapter's experiment measures it.",
        ),
        Option(
            "no_margin",
            "It needs no margin",
            False,
            "Triplet loss has a margin m: max(0, d(a,p) − d(a,n) + m).",
        ),
        Option(
            "no_negatives",
            "It needs no negative examples",
            False,
            "Every triplet contains a negative; without one the loss could be minimised by mapping "
            "every face to the same point.",
        ),
    ),
    hints=("Compare an absolute target ('distance 0') with a comparison ('closer than').",),
)

semi_hard = ChoiceQuestion(
    id="metric_learning.semi_hard",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"With margin $m$, FaceNet's **semi-hard** negatives are those with which distance "
        r"$d(a,n)$ to the anchor?"
    ),
    options=(
        Option(
            "semi_hard",
            r"$d(a,p) < d(a,n) < d(a,p) + m$",
            True,
            "Farther than the positive, but inside the margin: the loss is positive, yet the "
            "negative is not so hard that it destabilises training early on.",
        ),
        Option(
            "hard",
            r"$d(a,n) < d(a,p)$",
            False,
            "Those are hard negatives: closer to the anchor than the positive.",
        ),
        Option(
            "easy",
            r"$d(a,n) > d(a,p) + m$",
            False,
            "Those are easy negatives: the loss is already zero, they give no gradient.",
        ),
        Option(
            "any",
            "Any negative from a different identity",
            False,
            "That is random mining; most of those negatives are easy.",
        ),
    ),
    hints=("Semi-hard: the triplet is ordered correctly but violates the margin.",),
)

triplet_value = NumericQuestion(
    id="metric_learning.triplet_value",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"An anchor is at distance $d(a,p) = 0.8$ from its positive and $d(a,n) = 1.1$ from its "
        r"negative. With margin $m = 0.5$, what is the triplet loss $\max(0,\ d(a,p) - d(a,n) + m)$?"
    ),
    answer=0.2,
    abs_tol=1e-6,
    rel_tol=1e-6,
    wrong_values=(
        (
            0.0,
            "The negative is farther than the positive, but by only 0.3 < m = 0.5: the margin is violated.",
        ),
        (0.8, "That is d(a,n) − d(a,p) + m: the positive's distance comes first."),
        (-0.2, "d(a,p) − d(a,n) + m = 0.8 − 1.1 + 0.5 = 0.2, which is positive."),
        (0.3, "0.3 is the gap d(a,n) − d(a,p); the loss is how much it falls short of the margin."),
    ),
    hints=("0.8 − 1.1 + 0.5, then max with 0.",),
    explanation="0.8 − 1.1 + 0.5 = 0.2 > 0: the negative is inside the margin (a semi-hard negative).",
)

contrastive_value = NumericQuestion(
    id="metric_learning.contrastive_value",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"A pair of faces of **different** people ($y = 0$ in the convention "
        r"$L = y D^2 + (1 - y)\max(0,\ m - D)^2$) has embedding distance $D = 0.4$. With margin "
        r"$m = 1$, what is its contrastive loss?"
    ),
    answer=float(losses.contrastive([0], np.array([[0.0, 0.0]]), np.array([[0.4, 0.0]]))),
    abs_tol=1e-6,
    rel_tol=1e-6,
    wrong_values=(
        (0.6, "The dissimilar-pair term is squared: max(0, m − D)²."),
        (0.16, "That is D², the term for a similar pair; this pair is dissimilar (y = 0)."),
        (0.18, "That includes Hadsell et al.'s ½ factor; the formula given here has none."),
        (0.0, "The pair is closer than the margin (0.4 < 1), so it is still pushed apart."),
    ),
    hints=("For y = 0 only the second term remains: max(0, 1 − 0.4)².",),
    explanation="(1 − 0.4)² = 0.36.",
)


# ----------------------------------------------------------------------------- code question

_NAMES = ("anchor", "positive", "negative", "margin")


def _triplet_reference(anchor, positive, negative, margin):
    return losses.triplet(anchor, positive, negative, margin=margin)


def _tcase(name, a, p, n, margin):
    return Case(
        name,
        (
            np.array(a, dtype=np.float64),
            np.array(p, dtype=np.float64),
            np.array(n, dtype=np.float64),
            margin,
        ),
        _NAMES,
    )


def _random_triplet_case(rng: np.random.Generator) -> Case:
    n = int(rng.integers(2, 20))
    d = int(rng.integers(2, 12))
    if n == d:
        d += 1
    a = rng.normal(size=(n, d))
    p = a + rng.normal(scale=rng.uniform(0.2, 1.0), size=(n, d))
    neg = a + rng.normal(scale=rng.uniform(0.3, 1.5), size=(n, d))
    margin = float(np.round(rng.uniform(0.2, 2.0), 2))
    return Case(f"{n} triplets in {d} dimensions, margin = {margin:g}", (a, p, neg, margin), _NAMES)


def _dists(a, p, n):
    a, p, n = (np.asarray(x, dtype=float) for x in (a, p, n))
    return np.linalg.norm(a - p, axis=1), np.linalg.norm(a - n, axis=1)


def _m_squared(a, p, n, m):
    return losses.triplet(a, p, n, margin=m, squared=True)


def _m_sum(a, p, n, m):
    return losses.triplet(a, p, n, margin=m, reduction="sum")


def _m_no_hinge(a, p, n, m):
    dp, dn = _dists(a, p, n)
    return np.mean(dp - dn + m)


def _m_swapped(a, p, n, m):
    dp, dn = _dists(a, p, n)
    return np.mean(np.maximum(0, dn - dp + m))


def _m_l1(a, p, n, m):
    a, p, n = (np.asarray(x, dtype=float) for x in (a, p, n))
    dp = np.abs(a - p).sum(axis=1)
    dn = np.abs(a - n).sum(axis=1)
    return np.mean(np.maximum(0, dp - dn + m))


def _m_axis0(a, p, n, m):
    a, p, n = (np.asarray(x, dtype=float) for x in (a, p, n))
    dp = np.linalg.norm(a - p, axis=0)
    dn = np.linalg.norm(a - n, axis=0)
    return np.mean(np.maximum(0, dp - dn + m))


def _m_frobenius(a, p, n, m):
    a, p, n = (np.asarray(x, dtype=float) for x in (a, p, n))
    return max(0.0, np.linalg.norm(a - p) - np.linalg.norm(a - n) + m)


def _m_margin_sign(a, p, n, m):
    dp, dn = _dists(a, p, n)
    return np.mean(np.maximum(0, dp - dn - m))


def _m_hinge_after_mean(a, p, n, m):
    dp, dn = _dists(a, p, n)
    return max(0.0, float(np.mean(dp - dn + m)))


implement_triplet = CodeQuestion(
    id="metric_learning.implement_triplet",
    chapter=CHAPTER,
    kind="code",
    points=3,
    mirrors=MIRRORS,
    prompt=(
        "Write `triplet(anchor, positive, negative, margin)` returning the **mean** triplet loss. "
        "The three embeddings have shape `(n, d)`: row $i$ of each forms one triplet. With the "
        r"Euclidean (not squared) distance $D(x, y) = \lVert x - y \rVert_2$,"
        "\n\n"
        r"$$L_i = \max\bigl(0,\ D(a_i, p_i) - D(a_i, n_i) + m\bigr).$$"
        "\n\n"
        "Use numpy and no loops; return one number."
    ),
    signature="triplet(anchor, positive, negative, margin)",
    reference=_triplet_reference,
    fixed_cases=(
        _tcase(
            "two triplets in 2-D, margin = 1",
            [[0.0, 0.0], [1.0, 1.0]],
            [[0.5, 0.0], [1.0, 2.0]],
            [[1.0, 0.5], [3.0, 1.0]],
            1.0,
        ),
        _tcase(
            "an easy triplet (loss 0) and a hard one, margin = 0.5",
            [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
            [[0.1, 0.0, 0.0], [2.0, 0.0, 0.0]],
            [[3.0, 0.0, 0.0], [0.0, 0.5, 0.0]],
            0.5,
        ),
        _tcase(
            "three triplets in 4-D, margin = 0.2",
            [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.5, 0.5, 0.5, 0.5]],
            [[0.9, 0.1, 0.0, 0.0], [0.0, 0.6, 0.6, 0.0], [0.5, 0.4, 0.5, 0.7]],
            [[0.8, 0.0, 0.3, 0.0], [1.0, 1.0, 0.0, 0.0], [0.0, 0.5, 0.5, 0.6]],
            0.2,
        ),
        _tcase("one triplet in 1-D", [[0.0]], [[2.0]], [[1.0]], 1.0),
        _tcase(
            "the positive equals the anchor, margin = 1",
            [[1.0, 2.0], [0.0, 0.0]],
            [[1.0, 2.0], [0.0, 0.0]],
            [[1.5, 2.0], [0.3, 0.4]],
            1.0,
        ),
        _tcase(
            "margin = 0",
            [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]],
            [[1.0, 0.0], [0.0, 2.0], [1.0, 0.0]],
            [[0.0, 2.0], [1.0, 0.0], [2.0, 1.0]],
            0.0,
        ),
    ),
    random_case=_random_triplet_case,
    n_random=8,
    mistakes=(
        Mistake(
            _m_squared,
            "You used squared distances (FaceNet's variant); this exercise uses the Euclidean "
            "distance itself: take the square root, e.g. np.linalg.norm(anchor - positive, axis=1).",
        ),
        Mistake(_m_sum, "You returned the sum over triplets; the question asks for the mean."),
        Mistake(
            _m_no_hinge,
            "The max(0, ·) is missing: a satisfied triplet must contribute 0, not a negative value.",
        ),
        Mistake(
            _m_swapped, "Positive and negative are swapped: the loss is D(a, p) − D(a, n) + margin."
        ),
        Mistake(_m_margin_sign, "The margin is added, not subtracted: D(a, p) − D(a, n) + margin."),
        Mistake(_m_l1, "You used the L1 (Manhattan) distance; use the Euclidean norm √Σ(x − y)²."),
        Mistake(
            _m_axis0,
            "The norm runs over the wrong axis: each row is one embedding, so use axis=1 "
            "(one distance per triplet).",
        ),
        Mistake(
            _m_frobenius,
            "You took one norm over the whole (n, d) array; compute one distance per row with axis=1.",
        ),
        Mistake(
            _m_hinge_after_mean,
            "Apply max(0, ·) to each triplet before averaging, not to the average.",
        ),
    ),
    hints=(
        "d_ap = np.linalg.norm(anchor - positive, axis=1); likewise d_an; then the hinge and the mean.",
    ),
)

register(
    training_data,
    triplet_advantage,
    semi_hard,
    triplet_value,
    contrastive_value,
    implement_triplet,
)
