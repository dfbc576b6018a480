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
from .variants import Parametric, signed, tenths

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


def _triplet_at(d_ap, d_an, margin, squared):
    """The triplet loss of points on a line at these distances from the anchor."""
    return float(losses.triplet([[0.0]], [[d_ap]], [[-d_an]], margin=margin, squared=squared))


def _triplet_value(params: dict) -> NumericQuestion:
    d_ap, d_an, m = float(params["d_ap"]), float(params["d_an"]), float(params["m"])
    key = round(_triplet_at(d_ap, d_an, m, squared=False), 12)
    gap = round(d_an - d_ap, 12)
    sum_text = f"{d_ap:g} − {d_an:g} + {m:g}"
    return NumericQuestion(
        id="metric_learning.triplet_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            rf"An anchor is at distance $d(a,p) = {d_ap:g}$ from its positive and "
            rf"$d(a,n) = {d_an:g}$ from its negative. With margin $m = {m:g}$, what is the "
            r"triplet loss $\max(0,\ d(a,p) - d(a,n) + m)$?"
        ),
        answer=key,
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (
                0.0,
                f"The negative is farther than the positive, but by only {gap:g} < m = {m:g}: "
                "the margin is violated.",
            ),
            (
                round(d_an - d_ap + m, 12),
                "That is d(a,n) − d(a,p) + m: the positive's distance comes first.",
            ),
            (-key, f"d(a,p) − d(a,n) + m = {sum_text} = {key:g}, which is positive."),
            (
                gap,
                f"{gap:g} is the gap d(a,n) − d(a,p); the loss is how much it falls short of the "
                "margin.",
            ),
        ),
        hints=(f"{sum_text}, then max with 0.",),
        explanation=(
            f"{sum_text} = {key:g} > 0: the negative is inside the margin (a semi-hard negative)."
        ),
    )


def _squared_triplet_value(params: dict) -> NumericQuestion:
    d_ap, d_an, m = float(params["d_ap"]), float(params["d_an"]), float(params["m"])
    euclidean = _triplet_at(d_ap, d_an, m, squared=False)
    return NumericQuestion(
        id="metric_learning.squared_triplet_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            rf"The same triplet, $d(a,p) = {d_ap:g}$, $d(a,n) = {d_an:g}$, $m = {m:g}$, scored "
            r"with FaceNet's **squared** distances: $\max(0,\ d(a,p)^2 - d(a,n)^2 + m)$. What is "
            "its loss?"
        ),
        answer=_triplet_at(d_ap, d_an, m, squared=True),
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (
                euclidean,
                "That is the Euclidean loss of (a): with squared distances the same margin asks "
                "for a different gap.",
            ),
            (
                d_ap**2 - d_an**2 + m,
                "The hinge is missing: max(0, ·) turns a negative value into 0.",
            ),
            (
                euclidean**2,
                "Squaring the Euclidean loss is not the squared variant: square each distance "
                "first.",
            ),
        ),
        hints=(f"{d_ap:g}² − {d_an:g}² + {m:g}, then max with 0.",),
        explanation=(
            f"{round(d_ap**2, 6):g} − {round(d_an**2, 6):g} + {m:g} < 0, so the loss is 0: "
            "the triplet that is semi-hard with Euclidean distances is easy with squared ones. A "
            "margin does not carry over from one variant to the other."
        ),
    )


def _draw_triplet(rng: np.random.Generator) -> dict:
    # The situation of Exercise 4: a semi-hard negative with Euclidean distances (0 < gap < m,
    # so the loss m − gap is positive and below m) that is easy with squared ones
    # (d(a,p)² − d(a,n)² + m ≤ −0.02, so that the squared loss is 0 and its hinge matters). The
    # Euclidean loss is drawn first, in hundredths from 0.1 (up to about 0.75 in the end), so
    # that a class's keys rarely coincide; then the margin, and d(a,p) among the distances that make the triplet
    # easy with squared distances, with d(a,n) ≤ 2 (the chapter's FaceNet embeddings lie on
    # the unit sphere). gap ≠ m/2 (the gap would be the key), and every slip at least
    # 0.01 from the key and from the others.
    while True:
        loss = round(0.01 * int(rng.integers(10, 91)), 2)
        m = round(0.05 * int(rng.integers(4, 21)), 2)
        gap = round(m - loss, 2)
        if gap < 0.05 - 1e-9:
            continue
        easy = [
            d
            for d in (round(0.05 * k, 2) for k in range(8, 40))
            if round(d + gap, 2) <= 2 and d**2 - round(d + gap, 2) ** 2 + m <= -0.02
        ]
        if not easy:
            continue
        d_ap = easy[int(rng.integers(len(easy)))]
        params = {"d_ap": d_ap, "d_an": round(d_ap + gap, 2), "m": m}
        if (
            _triplet_value(params).spread() > 0.01
            and _squared_triplet_value(params).spread() > 0.01
        ):
            return params


#: the two triplet questions of Exercise 4 share their triplet
_TRIPLET_GROUP = "metric_learning.same_triplet"
_TRIPLET0 = {"d_ap": 0.8, "d_an": 1.1, "m": 0.5}


def _shown_triplet(params: dict) -> tuple[str, ...]:
    return (
        rf"at distance $d(a,p) = {params['d_ap']:g}$ from its positive and "
        rf"$d(a,n) = {params['d_an']:g}$ from its negative",
        rf"With $m = {params['m']:g}$, what is the triplet loss",
    )


triplet_value = Parametric(
    build=_triplet_value,
    draw=_draw_triplet,
    params0=_TRIPLET0,
    group=_TRIPLET_GROUP,
    shown=_shown_triplet,
)


def _contrastive_value(params: dict) -> NumericQuestion:
    d, m = float(params["D"]), float(params["m"])
    key = float(losses.contrastive([0], np.array([[0.0, 0.0]]), np.array([[d, 0.0]]), margin=m))
    return NumericQuestion(
        id="metric_learning.contrastive_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            r"A pair of faces of **different** people ($y = 0$ in the convention "
            r"$L = y D^2 + (1 - y)\max(0,\ m - D)^2$) has embedding distance "
            rf"$D = {d:g}$. With margin $m = {m:g}$, what is its contrastive loss?"
        ),
        answer=key,
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (round(m - d, 12), "The dissimilar-pair term is squared: max(0, m − D)²."),
            (
                round(d**2, 12),
                "That is D², the term for a similar pair; this pair is dissimilar (y = 0).",
            ),
            (
                round(0.5 * (m - d) ** 2, 12),
                "That includes Hadsell et al.'s ½ factor; the formula given here has none.",
            ),
            (
                0.0,
                f"The pair is closer than the margin ({d:g} < {m:g}), so it is still pushed apart.",
            ),
        ),
        hints=(f"For y = 0 only the second term remains: max(0, {m:g} − {d:g})².",),
        explanation=f"({m:g} − {d:g})² = {round(key, 12):g}.",
    )


def _draw_contrastive(rng: np.random.Generator) -> dict:
    # a dissimilar pair inside the margin (D ≤ m − 0.1: still pushed apart), D in hundredths so
    # that a class's keys rarely coincide; m − D = 1 would make the unsquared slip the key, and
    # D = m/2 the similar-pair term: every slip at least 0.01 from the key and from the others
    while True:
        m = float(rng.choice([0.5, 0.8, 1.0, 1.2, 1.5, 2.0]))
        params = {"D": round(0.01 * int(rng.integers(5, round(100 * m) - 9)), 2), "m": m}
        if _contrastive_value(params).spread() > 0.01:
            return params


contrastive_value = Parametric(
    build=_contrastive_value,
    draw=_draw_contrastive,
    params0={"D": 0.4, "m": 1.0},
    shown=lambda p: (
        rf"embedding distance $D = {p['D']:g}$. With $m = {p['m']:g}$, what is its contrastive "
        "loss",
    ),
)

squared_triplet_value = Parametric(
    build=_squared_triplet_value,
    draw=_draw_triplet,  # the same draw as the triplet question's: the same triplet
    params0=_TRIPLET0,
    group=_TRIPLET_GROUP,
    shown=lambda p: (*_shown_triplet(p), rf"the same $m = {p['m']:g}$: what is its loss"),
    key_varies=False,  # every variant's triplet is easy under squared distances: the loss is 0
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


def _along_axis(rng: np.random.Generator, d: int, length: float) -> np.ndarray:
    """A vector of the given length along a random axis of R^d, either way."""
    v = np.zeros(d)
    v[int(rng.integers(0, d))] = length * float(rng.choice([-1.0, 1.0]))
    return v


def _hinge_terms(a, p, n, m) -> np.ndarray:
    """D(a, p) − D(a, n) + m of each triplet (positive: the triplet is active)."""
    return np.linalg.norm(a - p, axis=1) - np.linalg.norm(a - n, axis=1) + m


def _mixed_triplets(rng: np.random.Generator, shape, m: float, spread: float, mean=None):
    """Anchors on a 0.1 grid with positives and negatives near them: at least one active
    triplet and one with loss 0, none within 0.05 of the hinge's corner; with ``mean`` (as in
    the book's first case), the mean of D(a, p) − D(a, n) + m at least that."""
    while True:
        a = tenths(rng, -1, 1, shape)
        p = (a + tenths(rng, -spread, spread, shape)).round(1)
        n = (a + tenths(rng, -spread, spread, shape)).round(1)
        h = _hinge_terms(a, p, n, m)
        if mean is not None and h.mean() < mean:
            continue
        if (h > 0.05).any() and (h < -0.05).any() and (np.abs(h) > 0.05).all():
            return a, p, n


def _triplet_fixed_draw(rng: np.random.Generator) -> tuple[Case, ...]:
    """A student's fixed cases of ``implement_triplet``: the book's six edges with other values
    (a margin of exactly 0 and a positive equal to its anchor where the book has them)."""
    # two triplets in 2-D, one active and one not, the active one further from the corner
    m1 = float(rng.choice([0.6, 0.8, 1.0, 1.2, 1.5]))
    a1, p1, n1 = _mixed_triplets(rng, (2, 2), m1, 1.5, mean=0.1)
    # an easy triplet (D(a, n) beyond D(a, p) + m: loss 0) and a hard one (D(a, p) > D(a, n)),
    # along the axes of R^3, in either order; as in the book, the easy one is further inside
    # than the hard one is outside, so that the mean of D(a, p) − D(a, n) + m is negative (a
    # hinge taken after the mean gives 0 there)
    m2 = float(rng.choice([0.2, 0.3, 0.5, 0.8]))
    a2 = tenths(rng, -1, 1, (2, 3))
    dp_hard = float(rng.choice([1.5, 2.0, 2.5]))
    dn_hard = float(rng.choice([0.3, 0.5, 0.8, 1.0]))
    dp_easy = float(rng.choice([0.1, 0.2, 0.3]))
    beyond = dp_hard - dn_hard + m2 + float(rng.choice([0.3, 0.5, 1.0]))
    dn_easy = round(dp_easy + m2 + beyond, 1)
    lengths = [(dp_easy, dn_easy), (dp_hard, dn_hard)]
    if rng.random() < 0.5:
        lengths.reverse()
    p2 = np.array([a2[i] + _along_axis(rng, 3, lp) for i, (lp, _) in enumerate(lengths)])
    n2 = np.array([a2[i] + _along_axis(rng, 3, ln) for i, (_, ln) in enumerate(lengths)])
    # three triplets in 4-D or 5-D, a small margin
    m3 = float(rng.choice([0.1, 0.2, 0.3]))
    d3 = int(rng.integers(4, 6))
    a3, p3, n3 = _mixed_triplets(rng, (3, d3), m3, 0.5)
    # one triplet in 1-D, an active one (as the book's)
    m4 = float(rng.choice([0.5, 1.0, 1.5]))
    a4 = 0.5 * int(rng.integers(-4, 5))
    while True:
        p4 = a4 + float(rng.choice([-1.0, 1.0])) * 0.5 * int(rng.integers(1, 6))
        n4 = a4 + float(rng.choice([-1.0, 1.0])) * 0.5 * int(rng.integers(1, 6))
        if p4 != n4 and abs(p4 - a4) - abs(n4 - a4) + m4 > 0.05:
            break
    # the positive equals the anchor (D(a, p) = 0), a negative inside the margin
    m5 = float(rng.choice([0.5, 1.0, 1.5, 2.0]))
    while True:
        a5 = tenths(rng, -2, 2, (2, 2))
        n5 = (a5 + tenths(rng, -1.5, 1.5, (2, 2))).round(1)
        h5 = _hinge_terms(a5, a5, n5, m5)
        if (h5 > 0.05).any() and (np.abs(h5) > 0.05).all():
            break
    # margin = 0 exactly
    a6, p6, n6 = _mixed_triplets(rng, (3, 2), 0.0, 2.0)
    return (
        _tcase(f"two triplets in 2-D, margin = {m1:g}", a1, p1, n1, m1),
        _tcase(
            f"an easy triplet (loss 0) and a hard one, margin = {m2:g}",
            a2,
            p2.round(1),
            n2.round(1),
            m2,
        ),
        _tcase(f"three triplets in {d3}-D, margin = {m3:g}", a3, p3, n3, m3),
        _tcase(f"one triplet in 1-D, margin = {m4:g}", [[a4]], [[p4]], [[n4]], m4),
        _tcase(f"the positive equals the anchor, margin = {m5:g}", a5, a5.copy(), n5, m5),
        _tcase("margin = 0, three triplets in 2-D", a6, p6, n6, 0.0),
    )


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
    fixed_draw=_triplet_fixed_draw,
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


def _row(params: dict) -> np.ndarray:
    """One anchor's row of cosine similarities: its positive first, then its two negatives."""
    return np.array([params["cos_p"], params["cos_n1"], params["cos_n2"]])


def _info_nce_weight(params: dict) -> NumericQuestion:
    row, tau = _row(params), float(params["tau"])
    cos_p, cos_n1, cos_n2 = (float(c) for c in row)

    def weights(t):
        """The softmax P_i· of the row, positive first."""
        return losses.softmax(row / t)

    s = row / tau
    return NumericQuestion(
        id="metric_learning.info_nce_weight",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=BEYOND_GUIDE,
        prompt=(
            "One row of InfoNCE: the anchor's positive has cosine similarity "
            f"{signed(cos_p)} with it, its two negatives {signed(cos_n1)} and "
            rf"{signed(cos_n2)}. With $\tau = {tau:g}$, what is the weight $P_{{ij}}$ with which "
            f"the gradient pushes the anchor away from the negative at {signed(cos_n1)}? (The "
            r"softmax of the row $S_{ij} = \cos/\tau$, to three decimals.)"
        ),
        answer=float(weights(tau)[1]),
        abs_tol=1e-3,
        rel_tol=0.0,
        wrong_values=(
            (
                float(weights(1.0)[1]),
                f"That is the weight at τ = 1: divide the similarities by τ = {tau:g} before the "
                "softmax.",
            ),
            (
                float(losses.softmax(row * tau)[1]),
                "You multiplied by τ: the logits are cos / τ.",
            ),
            (
                float(losses.softmax(row[1:] / tau)[0]),
                "That is the negative's share of the push (a softmax over the negatives only). "
                r"$P_{ij}$ is a softmax over the whole row, the positive included.",
            ),
            (
                float(np.exp(row[1] / tau)),
                "That is the unnormalised e^{S_ij}: divide by the sum over the row.",
            ),
        ),
        hints=(
            "$S = (" + r",\ ".join(f"{v:g}" for v in s) + ")$; "
            r"$P_{ij} = e^{S_{ij}} / \sum_k e^{S_{ik}}$.",
        ),
        explanation=(
            f"e^{signed(s[1])} / (" + " + ".join(f"e^{signed(v)}" for v in s) + ") = "
            f"{weights(tau)[1]:.3f}. At τ = 1 it is {weights(1.0)[1]:.3f}: lowering τ sharpened "
            f"the softmax, the positive's weight rose from {weights(1.0)[0]:.3f} to "
            f"{weights(tau)[0]:.3f}, so the whole push shrank, but the negative at "
            f"{signed(cos_n1)} took a larger share of it, "
            f"{losses.softmax(row[1:] / tau)[0]:.0%} against {losses.softmax(row[1:])[0]:.0%}."
        ),
    )


def _draw_info_nce_weight(rng: np.random.Generator) -> dict:
    # Cosines in tenths with the positive the most similar (so that lowering τ raises its
    # weight, as the explanation says) and a temperature below 1 (the statement compares with
    # τ = 1) that divides a tenth into a short decimal. The key at least 0.02 (to three
    # decimals), every slip at least five tolerances from the key and from the others, and the
    # two shares of the explanation different in whole percent.
    while True:
        cos_p = round(0.1 * int(rng.integers(4, 10)), 1)
        cos_n1 = round(0.1 * int(rng.integers(-3, round(10 * cos_p))), 1)
        cos_n2 = round(0.1 * int(rng.integers(-9, round(10 * cos_n1))), 1)
        tau = float(rng.choice([0.1, 0.2, 0.25, 0.4, 0.5, 0.8]))
        params = {"cos_p": cos_p, "cos_n1": cos_n1, "cos_n2": cos_n2, "tau": tau}
        q = _info_nce_weight(params)
        row = _row(params)
        shares = (losses.softmax(row[1:] / tau)[0], losses.softmax(row[1:])[0])
        if q.answer < 0.02 or round(100 * shares[0]) == round(100 * shares[1]):
            continue
        if q.spread() > 5e-3:
            return params


info_nce_weight = Parametric(
    build=_info_nce_weight,
    draw=_draw_info_nce_weight,
    params0={"cos_p": 0.8, "cos_n1": 0.5, "cos_n2": -0.5, "tau": 0.5},
    shown=lambda p: (
        f"positive has cosine similarity {signed(p['cos_p'])} with it, its two negatives "
        f"{signed(p['cos_n1'])} and {signed(p['cos_n2'])}. With $\\tau = {p['tau']:g}$, what "
        r"is the weight $P_{ij}$ with which the gradient pushes the anchor away from the "
        f"negative at {signed(p['cos_n1'])}",
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


#: unit vectors of R² and R³ with short decimal coordinates (up to signs and, in R³, the order
#: of the coordinates), so that rows of a given length print without noise
_UNIT_2D = ((1.0, 0.0), (0.6, 0.8), (0.8, 0.6), (0.28, 0.96), (0.96, 0.28))
_UNIT_3D = ((1.0, 0.0, 0.0), (0.6, 0.8, 0.0), (0.36, 0.48, 0.8), (0.48, 0.6, 0.64))


def _unit_vector(rng: np.random.Generator, table) -> np.ndarray:
    v = np.array(table[int(rng.integers(0, len(table)))])
    v = v[rng.permutation(len(v))] if len(v) == 3 else v[:: int(rng.choice([-1, 1]))]
    return v * rng.choice([-1.0, 1.0], size=len(v)) + 0.0  # + 0.0: no −0 in the feedback


def _near_unit(rng: np.random.Generator, table, to: np.ndarray, min_cos: float) -> np.ndarray:
    """A unit vector of ``table`` at cosine at least ``min_cos`` from the unit vector ``to``."""
    while True:
        v = _unit_vector(rng, table)
        if v @ to >= min_cos:
            return v


def _full_columns(*arrays: np.ndarray) -> bool:
    """No column of any array is all zeros (a reader who normalises the columns by mistake
    then gets the hint, not a division by zero)."""
    return all((np.abs(x).sum(axis=0) > 0).all() for x in arrays)


def _rows_loss(s: np.ndarray) -> float:
    """Mean over rows i of logsumexp(S[i]) − S[i, i]."""
    return float(np.mean(_lse(s, 1) - np.diag(s)))


def _info_nce_fixed_draw(rng: np.random.Generator) -> tuple[Case, ...]:
    """A student's fixed cases of ``implement_info_nce``: the book's five edges with other
    values (unit rows and τ = 1 exactly in the first, as in the book: there only the softmax
    itself counts)."""
    # unit vectors in 2-D, positives near their anchors, temperature 1
    n1 = int(rng.integers(3, 5))
    while True:
        a1 = np.array([_unit_vector(rng, _UNIT_2D) for _ in range(n1)])
        p1 = np.array([_near_unit(rng, _UNIT_2D, a, 0.5) for a in a1])
        if _full_columns(a1, p1):
            break
    # rows of very different lengths: unit directions times lengths from 0.1 (or 0.2) to 6 (or
    # 8), four pairs in 3-D, positives near their anchors
    t2 = float(rng.choice([0.4, 0.5, 0.6]))
    short, long = float(rng.choice([0.1, 0.2])), float(rng.choice([6.0, 8.0]))
    lengths = rng.choice([0.5, 1.0, 2.0, 3.0, 4.0], size=8)
    where = rng.choice(8, size=2, replace=False)
    lengths[where] = short, long
    while True:
        a2 = np.array([_unit_vector(rng, _UNIT_3D) for _ in range(4)])
        p2 = np.array([_near_unit(rng, _UNIT_3D, a, 0.3) for a in a2])
        if _full_columns(a2, p2):
            break
    a2 = (a2 * lengths[:4, None]).round(4) + 0.0
    p2 = (p2 * lengths[4:, None]).round(4) + 0.0
    # four pairs in 3-D, a small temperature: anchors and positives near them on a 0.1 grid
    t3 = float(rng.choice([0.1, 0.15, 0.2]))
    while True:
        a3 = np.round(0.1 * rng.integers(-10, 11, size=(4, 3)), 1)
        p3 = (a3 + np.round(0.1 * rng.integers(-4, 5, size=(4, 3)), 1)).round(1)
        rows_ok = (np.linalg.norm(np.vstack([a3, p3]), axis=1) > 0.5).all()
        if rows_ok and _full_columns(a3, p3):
            break
    # a lopsided batch: one positive close to every anchor, the others far from all, so that
    # the softmax down the columns gives another loss than along the rows; built around the
    # axis (1, 0), then turned and mirrored by a symmetry of the square (the grid stays)
    t4 = float(rng.choice([0.25, 0.3]))
    while True:
        a4 = np.column_stack(
            [
                np.round(0.1 * rng.integers(7, 11, size=3), 1),
                np.round(0.1 * rng.integers(-6, 10, size=3), 1),
            ]
        )
        hub = int(rng.integers(0, 3))
        p4 = np.column_stack(
            [
                np.round(0.1 * rng.integers(-10, 1, size=3), 1),
                np.round(0.1 * rng.integers(-10, 11, size=3), 1),
            ]
        )
        p4[hub] = (1.0, 0.0)
        if (np.linalg.norm(p4, axis=1) < 0.5).any() or not _full_columns(a4, p4):
            continue
        s = _cos(a4, p4) / t4
        if abs(_rows_loss(s) - _rows_loss(s.T)) > 0.5:
            break
    turn = np.array([[0.0, -1.0], [1.0, 0.0]])
    sym = np.linalg.matrix_power(turn, int(rng.integers(0, 4)))
    if rng.random() < 0.5:
        sym = sym @ np.diag([1.0, -1.0])
    a4, p4 = a4 @ sym.T + 0.0, p4 @ sym.T + 0.0
    # n = 2 pairs, a temperature above 1
    t5 = float(rng.choice([1.5, 2.0, 2.5, 3.0]))
    while True:
        a5 = np.round(0.5 * rng.integers(-6, 7, size=(2, 2)), 1)
        p5 = np.round(0.5 * rng.integers(-6, 7, size=(2, 2)), 1)
        if (np.linalg.norm(np.vstack([a5, p5]), axis=1) > 0).all() and _full_columns(a5, p5):
            break
    norms = np.linalg.norm(np.vstack([a2, p2]), axis=1)
    return (
        _ncase(f"{n1} pairs of unit vectors in 2-D, temperature = 1", a1, p1, 1.0),
        _ncase(
            f"rows of very different lengths ({norms.min():g} to {norms.max():g}), "
            f"temperature = {t2:g}",
            a2,
            p2,
            t2,
        ),
        _ncase(f"four pairs in 3-D, temperature = {t3:g}", a3, p3, t3),
        _ncase(
            f"a lopsided batch: positive {hub} is close to every anchor, temperature = {t4:g}",
            a4,
            p4,
            t4,
        ),
        _ncase(f"n = 2 pairs, temperature = {t5:g}", a5, p5, t5),
    )


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
    fixed_draw=_info_nce_fixed_draw,
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
