r"""Exercises for the distribution-matching chapter (KL divergence), mirroring self-check 4.

Self-check 4 asks why KL divergence is asymmetric and what it changes to put a distribution in the
P or the Q slot. (The study guide printed KL(P‖Q) = KL(Q‖P): its "≠" was lost. KL is not
symmetric, and these questions never use the garbled statement as a key.) The questions below check
the reason, forward (mass-covering) against reverse (mode-seeking) KL, what a zero in Q does, the
link to cross-entropy, two values to compute, and ask the reader to implement KL.

Question ids: ``distributions.asymmetry``, ``distributions.forward_kl_fit``,
``distributions.reverse_kl_fit``, ``distributions.zero_in_q``, ``distributions.ce_identity``,
``distributions.kl_pq_value``, ``distributions.kl_qp_value``, ``distributions.implement_kl``.

>>> from exercises import check
>>> check("distributions.zero_in_q", "infinite").passed
True
"""

from __future__ import annotations

import numpy as np

import losses

from .model import Case, ChoiceQuestion, CodeQuestion, Mistake, NumericQuestion, Option
from .registry import register

CHAPTER = "distributions"
MIRRORS = (
    "Self-check 4: why KL divergence is asymmetric, and what the P and Q slots mean in practice"
)

asymmetry = ChoiceQuestion(
    id="distributions.asymmetry",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"$D_{\mathrm{KL}}(P\,\|\,Q) = \sum_x P(x) \ln \dfrac{P(x)}{Q(x)}$. "
        r"Why is $D_{\mathrm{KL}}(P\,\|\,Q)$ in general different from $D_{\mathrm{KL}}(Q\,\|\,P)$?"
    ),
    options=(
        Option(
            "weights",
            "The log-ratio is averaged under P: swapping the arguments changes which distribution "
            "weights the outcomes, so mismatches where P is large cost more in one direction than "
            "in the other",
            True,
            "Right: KL is an expectation under its first argument, so it is not a distance and not "
            "symmetric.",
        ),
        Option(
            "symmetric",
            "It is not different: KL divergence is symmetric",
            False,
            "KL is not symmetric. Try P = (0.5, 0.5), Q = (0.9, 0.1): the two directions give about "
            "0.511 and 0.368 nats. (Some texts print this line with the ≠ lost.)",
        ),
        Option(
            "rounding",
            "Only because of floating-point rounding",
            False,
            "The two directions differ exactly, not by rounding: they are different sums.",
        ),
        Option(
            "log_base",
            "Because the two directions use different log bases",
            False,
            "Both use the same base; the base only scales the value (nats vs bits).",
        ),
    ),
    hints=("Which distribution supplies the weights P(x) in the sum?",),
)

forward_kl_fit = ChoiceQuestion(
    id="distributions.forward_kl_fit",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        "The data distribution P has two well-separated modes. You fit a single Gaussian Q by "
        r"minimising the **forward** KL $D_{\mathrm{KL}}(P\,\|\,Q)$ (data in the first slot). "
        "What does the fit look like?"
    ),
    options=(
        Option(
            "covering",
            "Wide: it spreads over both modes, putting mass between them (mass-covering)",
            True,
            "Where P > 0 and Q is tiny, P·ln(P/Q) is huge, so Q must cover everywhere P has mass.",
        ),
        Option(
            "seeking",
            "Narrow: it locks onto one of the modes (mode-seeking)",
            False,
            "That is the reverse KL, D(Q‖P), which punishes Q for putting mass where P has little.",
        ),
        Option("exact", "It matches P exactly", False, "A single Gaussian cannot have two modes."),
        Option(
            "between_narrow",
            "Narrow, centred in the gap between the modes",
            False,
            "A narrow Q in the gap leaves both modes uncovered, which forward KL punishes heavily.",
        ),
    ),
    hints=("Forward KL averages ln(P/Q) under P: what happens where P is large but Q is small?",),
)

reverse_kl_fit = ChoiceQuestion(
    id="distributions.reverse_kl_fit",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"Same two-mode P, but now Q minimises the **reverse** KL $D_{\mathrm{KL}}(Q\,\|\,P)$, as "
        "variational inference does. What does the fit look like?"
    ),
    options=(
        Option(
            "seeking",
            "Narrow: it settles on one mode and ignores the other (mode-seeking)",
            True,
            "The average is now under Q: Q pays for mass where P is small (the gap), and pays nothing "
            "for missing a mode.",
        ),
        Option(
            "covering",
            "Wide: it covers both modes",
            False,
            "Covering both would put Q's mass in the gap where P is small, which reverse KL punishes.",
        ),
        Option("exact", "It matches P exactly", False, "A single Gaussian cannot have two modes."),
        Option(
            "uniform",
            "It becomes as flat as possible",
            False,
            "A flat Q puts mass where P has none, the costliest choice under reverse KL.",
        ),
    ),
    hints=("Reverse KL averages ln(Q/P) under Q: where does that get large?",),
)

zero_in_q = ChoiceQuestion(
    id="distributions.zero_in_q",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=r"Q assigns probability 0 to an outcome that has $P(x) > 0$. What is $D_{\mathrm{KL}}(P\,\|\,Q)$?",
    options=(
        Option(
            "infinite",
            "Infinite",
            True,
            "P(x)·ln(P(x)/0) = +∞: the model says the observed outcome is impossible. In practice Q "
            "comes from a softmax (never exactly 0) or is smoothed.",
        ),
        Option(
            "skip",
            "Finite: the outcome is skipped because 0·log 0 = 0",
            False,
            "The convention 0·ln 0 = 0 is for P(x) = 0. Here P(x) > 0 and Q(x) = 0.",
        ),
        Option(
            "zero", "Zero", False, "A mismatch never lowers the divergence to 0; only P = Q does."
        ),
        Option(
            "negative", "Negative", False, "KL divergence is never negative (Gibbs' inequality)."
        ),
    ),
    hints=("Look at the term P(x) ln(P(x)/Q(x)) for that outcome.",),
)

ce_identity = ChoiceQuestion(
    id="distributions.ce_identity",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"With the cross-entropy $H(P, Q) = -\sum_x P(x)\ln Q(x)$ and the entropy "
        r"$H(P) = -\sum_x P(x) \ln P(x)$, which identity holds?"
    ),
    options=(
        Option(
            "h_p_plus_kl",
            r"$H(P, Q) = H(P) + D_{\mathrm{KL}}(P\,\|\,Q)$",
            True,
            "So with P fixed (the data), minimising cross-entropy over Q is minimising KL(P‖Q).",
        ),
        Option(
            "h_q_plus_kl",
            r"$H(P, Q) = H(Q) + D_{\mathrm{KL}}(P\,\|\,Q)$",
            False,
            "The entropy term belongs to P, the distribution the expectation is taken under.",
        ),
        Option(
            "kl_minus_h",
            r"$H(P, Q) = D_{\mathrm{KL}}(P\,\|\,Q) - H(P)$",
            False,
            "Expand ln(P/Q) = ln P − ln Q: the entropy is added, not subtracted.",
        ),
        Option(
            "reverse_kl",
            r"$H(P, Q) = H(P) + D_{\mathrm{KL}}(Q\,\|\,P)$",
            False,
            "The KL term has P first, like the cross-entropy's expectation.",
        ),
    ),
    hints=(r"Write $\ln\frac{P}{Q} = \ln P - \ln Q$ inside the KL sum.",),
)

_P = [0.5, 0.5]
_Q = [0.9, 0.1]
_KL_PQ = float(losses.kl_divergence(_P, _Q))  # 0.510826 nats, by hand: 0.5 ln(5/9) + 0.5 ln 5
_KL_QP = float(losses.kl_divergence(_Q, _P))  # 0.368064 nats, by hand: 0.9 ln 1.8 + 0.1 ln 0.2

kl_pq_value = NumericQuestion(
    id="distributions.kl_pq_value",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"Let $P = (0.5,\ 0.5)$ and $Q = (0.9,\ 0.1)$. Compute $D_{\mathrm{KL}}(P\,\|\,Q)$ in nats "
        "(natural log), to three decimals."
    ),
    answer=_KL_PQ,
    abs_tol=1e-3,
    rel_tol=0.0,
    wrong_values=(
        (
            _KL_QP,
            "That is KL(Q‖P): the arguments are swapped. The weights come from P = (0.5, 0.5).",
        ),
        (_KL_PQ / np.log(2), "That is in bits (log base 2); use the natural log."),
        (-_KL_PQ, "KL divergence is never negative: check the order inside the log, ln(P/Q)."),
    ),
    hints=(r"$0.5 \ln\frac{0.5}{0.9} + 0.5 \ln\frac{0.5}{0.1}$.",),
    explanation="0.5 ln(0.5/0.9) + 0.5 ln(0.5/0.1) ≈ −0.294 + 0.805 = 0.511 nats.",
)

kl_qp_value = NumericQuestion(
    id="distributions.kl_qp_value",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"Same $P = (0.5,\ 0.5)$ and $Q = (0.9,\ 0.1)$. Now compute $D_{\mathrm{KL}}(Q\,\|\,P)$ in "
        "nats, to three decimals."
    ),
    answer=_KL_QP,
    abs_tol=1e-3,
    rel_tol=0.0,
    wrong_values=(
        (_KL_PQ, "That is KL(P‖Q): here Q comes first and supplies the weights 0.9 and 0.1."),
        (_KL_QP / np.log(2), "That is in bits (log base 2); use the natural log."),
        (-_KL_QP, "KL divergence is never negative: check the order inside the log."),
    ),
    hints=(r"$0.9 \ln\frac{0.9}{0.5} + 0.1 \ln\frac{0.1}{0.5}$.",),
    explanation="0.9 ln 1.8 + 0.1 ln 0.2 ≈ 0.529 − 0.161 = 0.368 nats: not the same as KL(P‖Q).",
)


# ----------------------------------------------------------------------------- code question

_NAMES = ("p", "q")


def _kl_reference(p, q):
    return losses.kl_divergence(p, q)


def _kcase(name, p, q):
    return Case(name, (np.array(p, dtype=np.float64), np.array(q, dtype=np.float64)), _NAMES)


def _random_kl_case(rng: np.random.Generator) -> Case:
    n = int(rng.integers(3, 13))
    p = rng.dirichlet(np.full(n, rng.uniform(0.3, 3.0)))
    zeros = rng.random(n) < 0.3
    zeros[int(rng.integers(n))] = False
    p[zeros] = 0.0
    p /= p.sum()
    q = rng.dirichlet(np.full(n, rng.uniform(0.5, 3.0)))
    q = np.clip(q, 1e-4, None)
    q /= q.sum()
    return Case(f"{n} outcomes, {int(zeros.sum())} zeros in P", (p, q), _NAMES)


def _arrays(p, q):
    return np.asarray(p, dtype=float), np.asarray(q, dtype=float)


def _safe_terms(p, q, log=np.log):
    p, q = _arrays(p, q)
    with np.errstate(all="ignore"):
        return np.where(p > 0, p * log(np.where(p > 0, p, 1.0) / q), 0.0)


def _m_swapped(p, q):
    return np.sum(_safe_terms(q, p))


def _m_log2(p, q):
    return np.sum(_safe_terms(p, q, np.log2))


def _m_log10(p, q):
    return np.sum(_safe_terms(p, q, np.log10))


def _m_naive(p, q):
    p, q = _arrays(p, q)
    return np.sum(p * np.log(p / q))


def _m_cross_entropy(p, q):
    p, q = _arrays(p, q)
    return -np.sum(p * np.log(q))


def _m_mean(p, q):
    return np.mean(_safe_terms(p, q))


def _m_sign(p, q):
    return -np.sum(_safe_terms(p, q))


def _m_symmetric(p, q):
    return 0.5 * (np.sum(_safe_terms(p, q)) + np.sum(_safe_terms(q, p)))


def _m_drop_zero_q(p, q):
    p, q = _arrays(p, q)
    keep = (p > 0) & (q > 0)
    return np.sum(p[keep] * np.log(p[keep] / q[keep]))


implement_kl = CodeQuestion(
    id="distributions.implement_kl",
    chapter=CHAPTER,
    kind="code",
    points=3,
    mirrors=MIRRORS,
    prompt=(
        r"Write `kl(p, q)` returning $D_{\mathrm{KL}}(P\,\|\,Q) = \sum_x P(x)\ln\dfrac{P(x)}{Q(x)}$ "
        "for two 1-D probability vectors of the same length. Use the conventions "
        r"$0 \cdot \ln\frac{0}{q} = 0$ (outcomes with $P(x) = 0$ contribute nothing, even where "
        r"$Q(x) = 0$) and return `inf` when some $Q(x) = 0$ while $P(x) > 0$. Use the natural log, "
        "numpy and no loops; return one number."
    ),
    signature="kl(p, q)",
    stand_ins=("losses.kl_divergence", "losses.kl_divergence_grad"),
    reference=_kl_reference,
    fixed_cases=(
        _kcase("two 3-outcome distributions", [0.2, 0.5, 0.3], [0.1, 0.6, 0.3]),
        _kcase("P has a zero", [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]),
        _kcase("P equals Q", [0.25, 0.25, 0.5], [0.25, 0.25, 0.5]),
        _kcase("P is one-hot", [0.0, 1.0, 0.0, 0.0], [0.1, 0.6, 0.2, 0.1]),
        _kcase("P and Q are both zero on one outcome", [0.6, 0.4, 0.0], [0.5, 0.5, 0.0]),
        _kcase("the asymmetry example", [0.5, 0.5], [0.9, 0.1]),
        _kcase("Q is zero where P is not", [0.3, 0.7], [1.0, 0.0]),
    ),
    random_case=_random_kl_case,
    n_random=8,
    mistakes=(
        Mistake(
            _m_swapped,
            "You computed KL(Q‖P): the arguments are swapped. The weights come from p, and the log is ln(p/q).",
        ),
        Mistake(_m_log2, "You used log base 2 (bits); use the natural log, np.log (nats)."),
        Mistake(_m_log10, "You used log base 10; use the natural log, np.log."),
        Mistake(
            _m_cross_entropy,
            "That is the cross-entropy H(P, Q); KL subtracts the entropy: use ln(p/q), not −ln q.",
        ),
        Mistake(_m_mean, "KL is a sum over outcomes, not a mean."),
        Mistake(_m_sign, "The sign is flipped: it is p·ln(p/q), which makes KL ≥ 0."),
        Mistake(_m_symmetric, "You averaged both directions; KL(P‖Q) is one direction only."),
        Mistake(
            _m_naive,
            "Outcomes with P(x) = 0 give 0·ln 0 = nan in floating point: they must contribute 0. "
            "Sum only over the entries where p > 0 (e.g. with a boolean mask).",
        ),
        Mistake(
            _m_drop_zero_q,
            "Where Q(x) = 0 but P(x) > 0 the divergence is infinite; do not drop those outcomes.",
        ),
    ),
    hints=("Mask the outcomes with p > 0, then sum p * np.log(p / q) over them only.",),
)

reverse_kl_start = ChoiceQuestion(
    id="distributions.reverse_kl_start",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors="Predict, then verify: where does a reverse-KL fit end?",
    prompt=(
        "Predict before you run the cell below. The two-mode mixture P of the experiment puts "
        "weight 0.6 on the mode at −3 and 0.4 on the mode at +3. A Gaussian Q is fitted by "
        "gradient descent on the reverse KL, D(Q‖P), starting at μ = 2.5, σ = 0.5. Where does it "
        "end?"
    ),
    options=(
        Option(
            "heavier",
            "On the heavier mode at −3, because it gives the lower divergence",
            False,
            "It would give the lower divergence (−ln 0.6 against −ln 0.4), but gradient descent "
            "only follows the local slope: from μ = 2.5 it never sees the other mode.",
        ),
        Option(
            "nearer",
            "On the lighter mode at +3, the one it starts next to",
            True,
            "Reverse KL is mode-seeking, and which mode it seeks depends on the start: it slides "
            "into the nearer one, even though the other would fit better.",
        ),
        Option(
            "both",
            "Wide, covering both modes",
            False,
            "That is what forward KL does. Reverse KL pays for Q's mass where P has none, so it "
            "avoids the gap between the modes.",
        ),
        Option(
            "middle",
            "Centred at 0, between the modes",
            False,
            "The gap between the modes is where P is nearly 0: reverse KL pays most for putting "
            "Q's mass there.",
        ),
    ),
    hints=(
        "Which direction does the gradient point at μ = 2.5, and what does the fit know of the mode at −3?",
    ),
    explanation="The cell below shows it: μ ends at 3, σ ≈ 0.7, and D(Q‖P) = −ln 0.4 ≈ 0.92.",
)

register(
    asymmetry,
    forward_kl_fit,
    reverse_kl_fit,
    zero_in_q,
    ce_identity,
    kl_pq_value,
    kl_qp_value,
    implement_kl,
    reverse_kl_start,
)
