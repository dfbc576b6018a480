r"""Exercises for the metric-learning chapter (contrastive, triplet and InfoNCE loss), mirroring
self-check 5.

Self-check 5 asks, for a face-recognition system, what training data contrastive and triplet loss
need and what triplet loss offers. The questions below check the data each needs, what the relative
constraint of triplet loss buys (and that "triplet trains faster" is a claim to test, not a fact),
semi-hard negatives, three values to compute (a triplet loss, a contrastive loss, and the same
triplet with squared distances, where the margin means something else), and ask the reader to
implement triplet loss. Three more go beyond the study guide, to InfoNCE: what lowering the
temperature does to the push on the negatives, one softmax weight to compute, and an
implementation of the loss (where forgetting to normalise, dividing by τ in the wrong place or
taking the softmax over the wrong axis all show).

Question ids: ``metric_learning.training_data``, ``metric_learning.triplet_advantage``,
``metric_learning.semi_hard``, ``metric_learning.triplet_value``,
``metric_learning.contrastive_value``, ``metric_learning.squared_triplet_value``,
``metric_learning.implement_triplet``, ``metric_learning.info_nce_temperature``,
``metric_learning.info_nce_weight``, ``metric_learning.implement_info_nce``.

>>> from exercises import check
>>> check("metric_learning.triplet_value", 0.2).passed
True
"""

from __future__ import annotations

import numpy as np

import losses

from .model import Case, ChoiceQuestion, CodeQuestion, Mistake, NumericQuestion, Option
from .registry import register

CHAPTER = "metric_learning"
MIRRORS = "Self-check 5: face recognition with contrastive or triplet loss (data needed, triplet's advantage)"
BEYOND_GUIDE = (
    "Beyond the study guide: InfoNCE, the contrastive loss of CPC and CLIP (SimCLR's NT-Xent is "
    "a variant with negatives from both views), which the guide does not cover (no self-check "
    "of its own)"
)

training_data = ChoiceQuestion(
    id="metric_learning.training_data",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt="You train a face-recognition embedding. What does one term of each loss consume?",
    options=(
        Option(
            "pairs_triplets",
            "Contrastive: a pair labelled same/different. Triplet: anchor, positive, negative",
            True,
            "Right. Both can be built from identity labels; what differs is the unit each loss "
            "scores: two embeddings and a label, or three embeddings.",
        ),
        Option(
            "reversed",
            "Contrastive: anchor, positive, negative. Triplet: a pair labelled same/different",
            False,
            "That swaps them: contrastive loss scores one labelled pair at a time, triplet loss "
            "compares two distances from one anchor.",
        ),
        Option(
            "similar_only",
            "Contrastive: a pair of the same person. Triplet: anchor, positive, negative",
            False,
            "Contrastive loss needs dissimilar pairs too: with similar pairs only, mapping every "
            "face to one point gives zero loss. Its (1 − y) term pushes pairs of different "
            "people apart.",
        ),
        Option(
            "three_same",
            "Contrastive: a pair labelled same/different. Triplet: three photos of one person",
            False,
            "A triplet's negative must be someone else: the loss compares the anchor's distance "
            "to its positive (same person) with its distance to the negative (another person).",
        ),
    ),
    hints=("Count how many embeddings enter one term of each loss, and whose they are.",),
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
            "A relative target: nearer the positive than the negative, by a margin",
            True,
            "Right: contrastive loss pulls every similar pair towards distance 0 and pushes every "
            "dissimilar pair beyond a fixed margin, absolute targets that triplet loss avoids; "
            "faces of one person need not collapse to a single point.",
        ),
        Option(
            "always_faster",
            "It trains faster than contrastive loss, whichever triplets are used",
            False,
            "That is a claim to test, not a fact: how fast triplet loss learns depends heavily on "
            "how triplets are mined (most random triplets are already satisfied and give no "
            "gradient). The chapter's experiment measures it.",
        ),
        Option(
            "never_done",
            "Every triplet keeps giving gradient until its positive reaches the anchor",
            False,
            "That is contrastive loss's similar pairs, pulled until D = 0. A triplet with "
            "D(a, n) > D(a, p) + m is easy: its loss and its gradient are 0, wherever the "
            "positive is.",
        ),
        Option(
            "growing_push",
            "Its push on a negative grows the closer that negative is to the anchor",
            False,
            "With Euclidean distances every active triplet pushes its negative with unit "
            "strength, however hard it is; the push that grows as the negative comes closer is "
            "contrastive loss's, 2(m − D).",
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


_D_AP, _D_AN, _M = 0.8, 1.1, 0.5  # the triplet of the triplet_value question


def _triplet_at(d_ap, d_an, margin, squared):
    """The triplet loss of points on a line at these distances from the anchor."""
    return float(losses.triplet([[0.0]], [[d_ap]], [[-d_an]], margin=margin, squared=squared))


squared_triplet_value = NumericQuestion(
    id="metric_learning.squared_triplet_value",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"The same triplet, $d(a,p) = 0.8$, $d(a,n) = 1.1$, $m = 0.5$, scored with FaceNet's "
        r"**squared** distances: $\max(0,\ d(a,p)^2 - d(a,n)^2 + m)$. What is its loss?"
    ),
    answer=_triplet_at(_D_AP, _D_AN, _M, squared=True),
    abs_tol=1e-6,
    rel_tol=1e-6,
    wrong_values=(
        (
            _triplet_at(_D_AP, _D_AN, _M, squared=False),
            "That is the Euclidean loss of (a): with squared distances the same margin asks for "
            "a different gap.",
        ),
        (
            _D_AP**2 - _D_AN**2 + _M,
            "The hinge is missing: max(0, ·) turns a negative value into 0.",
        ),
        (
            _triplet_at(_D_AP, _D_AN, _M, squared=False) ** 2,
            "Squaring the Euclidean loss is not the squared variant: square each distance first.",
        ),
    ),
    hints=("0.8² − 1.1² + 0.5, then max with 0.",),
    explanation=(
        f"{_D_AP**2:.2f} − {_D_AN**2:.2f} + {_M:g} < 0, so the loss is 0: "
        "the triplet that is semi-hard with Euclidean distances is easy with squared ones. A "
        "margin does not carry over from one variant to the other."
    ),
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
    stand_ins=("losses.triplet", "losses.triplet_grad"),
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

# ------------------------------------------------------------- beyond the guide: InfoNCE

info_nce_temperature = ChoiceQuestion(
    id="metric_learning.info_nce_temperature",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=BEYOND_GUIDE,
    prompt=(
        r"An embedding is trained with InfoNCE, $\ell_i = -\log\big(e^{S_{ii}} / \sum_j "
        r"e^{S_{ij}}\big)$ with $S_{ij} = \cos(a_i, p_j)/\tau$. Keep the embeddings as they are "
        r"and lower the temperature from $\tau = 1$ to $\tau = 0.05$. What happens to the push "
        r"that the gradient puts on anchor $i$'s negatives?"
    ),
    options=(
        Option(
            "hardest",
            "It piles onto the negatives nearest the anchor; the others fade out",
            True,
            r"Right: the weights are $P_{ij} \propto e^{\cos(a_i, p_j)/\tau}$, so dividing by a "
            "small τ magnifies the differences between similarities. Small τ is soft hard-negative "
            "mining; too small and one or two negatives (possibly false ones) decide the gradient.",
        ),
        Option(
            "uniform",
            "It spreads evenly over all negatives, whatever their similarity",
            False,
            r"That is the opposite limit, a large τ: when every $S_{ij}$ is close to 0 the softmax is "
            "almost uniform and every negative pushes alike.",
        ),
        Option(
            "rescale",
            "Only its size changes: τ rescales the loss the way a step size does",
            False,
            "τ sits inside the softmax, not in front of the loss: it changes the relative weights of "
            r"the negatives ($e^{S_{ij}}$ with $S_{ij} = \cos/\tau$), not just their common scale.",
        ),
        Option(
            "no_negatives",
            "The negatives drop out, and only the pull to the positive is left",
            False,
            "The negatives stay in the denominator at any τ; and the pull and the total push are "
            r"always equal, $1 - P_{ii} = \sum_{j \ne i} P_{ij}$, so one cannot remain without the other.",
        ),
        Option(
            "log_n",
            r"The loss tends to $\log n$ for any embedding, so the gradient vanishes",
            False,
            r"That happens as τ grows (all $S_{ij} \to 0$, a uniform softmax); a small τ does the "
            "opposite, it makes the softmax sharper.",
        ),
    ),
    hints=(
        r"Write $P_{ij}$ as a softmax of $\cos(a_i, p_j)/\tau$ and compare two negatives' weights.",
    ),
)

# One anchor's row: its positive at cosine 0.8, two negatives at 0.5 and -0.5.
_ROW_COS = np.array([0.8, 0.5, -0.5])
_ROW_TAU = 0.5


def _row_weights(tau):
    """The softmax P_i· of the row, positive first."""
    return losses.softmax(_ROW_COS / tau)


info_nce_weight = NumericQuestion(
    id="metric_learning.info_nce_weight",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=BEYOND_GUIDE,
    prompt=(
        r"One row of InfoNCE: the anchor's positive has cosine similarity 0.8 with it, its two "
        r"negatives 0.5 and −0.5. With $\tau = 0.5$, what is the weight $P_{ij}$ with which the "
        r"gradient pushes the anchor away from the negative at 0.5? (The softmax of the row "
        r"$S_{ij} = \cos/\tau$, to three decimals.)"
    ),
    answer=float(_row_weights(_ROW_TAU)[1]),
    abs_tol=1e-3,
    rel_tol=0.0,
    wrong_values=(
        (
            float(_row_weights(1.0)[1]),
            "That is the weight at τ = 1: divide the similarities by τ = 0.5 before the softmax.",
        ),
        (
            float(losses.softmax(_ROW_COS * _ROW_TAU)[1]),
            "You multiplied by τ: the logits are cos / τ.",
        ),
        (
            float(losses.softmax(_ROW_COS[1:] / _ROW_TAU)[0]),
            "That is the negative's share of the push (a softmax over the negatives only). "
            r"$P_{ij}$ is a softmax over the whole row, the positive included.",
        ),
        (
            float(np.exp(_ROW_COS[1] / _ROW_TAU)),
            "That is the unnormalised e^{S_ij}: divide by the sum over the row.",
        ),
    ),
    hints=(
        "$S = (" + r",\ ".join(f"{v:g}" for v in _ROW_COS / _ROW_TAU) + ")$; "
        r"$P_{ij} = e^{S_{ij}} / \sum_k e^{S_{ik}}$.",
    ),
    explanation=(
        f"e^1 / (e^1.6 + e^1 + e^−1) = {_row_weights(_ROW_TAU)[1]:.3f}. At τ = 1 it is "
        f"{_row_weights(1.0)[1]:.3f}: lowering τ sharpened the softmax, the positive's weight "
        f"rose from {_row_weights(1.0)[0]:.3f} to {_row_weights(_ROW_TAU)[0]:.3f}, so the whole "
        "push shrank, but the negative at 0.5 took a larger share of it, "
        f"{losses.softmax(_ROW_COS[1:] / _ROW_TAU)[0]:.0%} against "
        f"{losses.softmax(_ROW_COS[1:])[0]:.0%}."
    ),
)


_NCE_NAMES = ("anchor", "positive", "temperature")


def _info_nce_reference(anchor, positive, temperature):
    return losses.info_nce(anchor, positive, temperature=temperature)


def _ncase(name, a, p, t):
    return Case(name, (np.array(a, dtype=np.float64), np.array(p, dtype=np.float64), t), _NCE_NAMES)


def _random_info_nce_case(rng: np.random.Generator) -> Case:
    n = int(rng.integers(2, 12))
    d = int(rng.integers(2, 8))
    if n == d:
        d += 1
    # rows of different lengths (so that forgetting to normalise shows), positives near anchors
    a = rng.normal(size=(n, d)) * np.exp(rng.normal(0.0, 0.6, size=(n, 1)))
    p = (a + rng.normal(scale=rng.uniform(0.3, 1.2), size=(n, d))) * np.exp(
        rng.normal(0.0, 0.6, size=(n, 1))
    )
    t = float(np.round(rng.uniform(0.1, 2.0), 2))
    return Case(f"{n} pairs in {d} dimensions, temperature = {t:g}", (a, p, t), _NCE_NAMES)


def _unit(x):
    x = np.asarray(x, dtype=float)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _cos(a, p):
    return _unit(a) @ _unit(p).T


def _lse(z, axis):
    m = np.max(z, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(z - m), axis=axis))


def _m_no_normalise(a, p, t):
    s = np.asarray(a, dtype=float) @ np.asarray(p, dtype=float).T / t
    return np.mean(_lse(s, 1) - np.diag(s))


def _m_columns(a, p, t):
    s = _cos(a, p) / t
    return np.mean(_lse(s, 0) - np.diag(s))


def _m_tau_after(a, p, t):
    c = _cos(a, p)
    return np.mean(_lse(c, 1) - np.diag(c)) / t


def _m_tau_diagonal_only(a, p, t):
    c = _cos(a, p)
    return np.mean(_lse(c, 1) - np.diag(c) / t)


def _m_tau_times(a, p, t):
    s = _cos(a, p) * t
    return np.mean(_lse(s, 1) - np.diag(s))


def _m_sum(a, p, t):
    s = _cos(a, p) / t
    return np.sum(_lse(s, 1) - np.diag(s))


def _m_symmetric(a, p, t):  # CLIP's average of both directions
    s = _cos(a, p) / t
    return 0.5 * (np.mean(_lse(s, 1) - np.diag(s)) + np.mean(_lse(s, 0) - np.diag(s)))


def _m_positive_excluded(a, p, t):
    s = _cos(a, p) / t
    off = np.where(np.eye(len(s), dtype=bool), -np.inf, s)
    return np.mean(_lse(off, 1) - np.diag(s))


def _m_normalise_columns(a, p, t):
    a, p = np.asarray(a, dtype=float), np.asarray(p, dtype=float)
    s = (a / np.linalg.norm(a, axis=0)) @ (p / np.linalg.norm(p, axis=0)).T / t
    return np.mean(_lse(s, 1) - np.diag(s))


implement_info_nce = CodeQuestion(
    id="metric_learning.implement_info_nce",
    chapter=CHAPTER,
    kind="code",
    points=3,
    mirrors=BEYOND_GUIDE,
    prompt=(
        "Write `info_nce(anchor, positive, temperature)` returning the **mean** InfoNCE loss of a "
        "batch of $n$ pairs. `anchor` and `positive` have shape `(n, d)`: row $i$ of `positive` "
        "is the positive of row $i$ of `anchor`, and every other row of `positive` is one of its "
        r"negatives. Scale every row to unit length ($\hat a_i = a_i / \lVert a_i \rVert$, "
        r"likewise $\hat p_j$), then with $S_{ij} = \hat a_i \cdot \hat p_j / \tau$,"
        "\n\n"
        r"$$\ell_i = -S_{ii} + \log \sum_{j=1}^{n} e^{S_{ij}}.$$"
        "\n\n"
        "One direction only (anchors choosing among positives, not CLIP's average of both). Use "
        "numpy and no loops; return one number."
    ),
    signature="info_nce(anchor, positive, temperature)",
    stand_ins=("losses.info_nce", "losses.info_nce_grad"),
    reference=_info_nce_reference,
    fixed_cases=(
        _ncase(
            "three pairs of unit vectors in 2-D, temperature = 1",
            [[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]],
            [[0.8, 0.6], [-0.6, 0.8], [0.0, 1.0]],
            1.0,
        ),
        _ncase(
            "rows of very different lengths (0.1 to 8), temperature = 0.5",
            [[0.1, 0.0, 0.0], [0.0, 6.0, 2.0], [0.5, 0.5, 0.0], [1.0, -8.0, 0.5]],
            [[0.3, 0.1, 0.0], [0.0, 0.2, 0.1], [4.0, 3.0, 1.0], [0.1, -0.5, 0.2]],
            0.5,
        ),
        _ncase(
            "four pairs in 3-D, temperature = 0.1",
            [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.6, 0.6, 0.5]],
            [[0.9, 0.3, 0.0], [0.2, 0.8, 0.3], [0.3, 0.3, 0.9], [0.2, 0.9, 0.3]],
            0.1,
        ),
        _ncase(
            "a lopsided batch: one positive is close to every anchor, temperature = 0.25",
            [[1.0, 0.2], [0.9, -0.4], [0.8, 0.9]],
            [[1.0, 0.0], [0.0, -1.0], [-0.7, 0.7]],
            0.25,
        ),
        _ncase(
            "n = 2 pairs, temperature = 2",
            [[2.0, 1.0], [-1.0, 3.0]],
            [[1.0, 1.0], [-2.0, 1.0]],
            2.0,
        ),
    ),
    random_case=_random_info_nce_case,
    n_random=8,
    mistakes=(
        Mistake(
            _m_no_normalise,
            "The rows were not scaled to unit length: InfoNCE compares directions (cosine "
            "similarities). Divide each row by its norm, "
            "x / np.linalg.norm(x, axis=1, keepdims=True), before taking the dot products.",
        ),
        Mistake(
            _m_normalise_columns,
            "You normalised the columns: each row is one embedding, so divide by "
            "np.linalg.norm(x, axis=1, keepdims=True).",
        ),
        Mistake(
            _m_columns,
            "The log-sum-exp runs over the wrong axis: anchor i chooses among the positives, so sum "
            "over j in row i of S (axis=1), not down the columns.",
        ),
        Mistake(
            _m_tau_after,
            "τ is applied after the log-sum-exp: divide the similarities by τ first, "
            "S = cos / τ, and only then take the softmax (τ changes its shape, not just its scale).",
        ),
        Mistake(
            _m_tau_diagonal_only,
            "τ divides only the positive's similarity: every entry of S, negatives included, is "
            "cos / τ.",
        ),
        Mistake(
            _m_tau_times,
            "You multiplied by τ: the similarities are divided by the temperature, S = cos / τ.",
        ),
        Mistake(
            _m_positive_excluded,
            "The positive is missing from the denominator: the sum over j includes j = i "
            "(a softmax over all n candidates).",
        ),
        Mistake(
            _m_symmetric,
            "You averaged both directions (CLIP's symmetric loss); the question asks for one: "
            "anchors choosing among positives.",
        ),
        Mistake(_m_sum, "You returned the sum over the rows; the question asks for the mean."),
    ),
    hints=(
        "Normalise the rows, S = a_hat @ p_hat.T / temperature, then the mean over i of "
        "logsumexp(S[i]) − S[i, i] (subtract the row maximum before exp to avoid overflow).",
    ),
)

register(
    training_data,
    triplet_advantage,
    semi_hard,
    triplet_value,
    contrastive_value,
    squared_triplet_value,
    implement_triplet,
    info_nce_temperature,
    info_nce_weight,
    implement_info_nce,
)
