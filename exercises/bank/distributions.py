r"""Exercises for the distribution-matching chapter (KL divergence), mirroring self-check 4.

Self-check 4 asks why KL divergence is asymmetric and what it changes to put a distribution in the
P or the Q slot. (The study guide printed KL(P‖Q) = KL(Q‖P): its "≠" was lost. KL is not
symmetric, and these questions never use the garbled statement as a key.) The questions below check
the reason, what the fit of one Gaussian to two modes looks like in each direction, what a zero in
Q does, the link to cross-entropy, four values to compute (both directions of KL, a cross-entropy
with soft targets, a gradient with respect to a logit), a prediction to verify (where a reverse-KL
fit ends), and ask the reader to implement KL.

Question ids: ``distributions.asymmetry``, ``distributions.forward_kl_fit``,
``distributions.reverse_kl_fit``, ``distributions.zero_in_q``, ``distributions.ce_identity``,
``distributions.kl_pq_value``, ``distributions.kl_qp_value``, ``distributions.ce_value``,
``distributions.logit_gradient``, ``distributions.implement_kl``,
``distributions.reverse_kl_start``.

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

# The two small examples the questions use, and their divergences (computed, never typed).
_P = [0.5, 0.5]
_Q = [0.9, 0.1]
_KL_PQ = float(losses.kl_divergence(_P, _Q))  # 0.510826 nats, by hand: 0.5 ln(5/9) + 0.5 ln 5
_KL_QP = float(losses.kl_divergence(_Q, _P))  # 0.368064 nats, by hand: 0.9 ln 1.8 + 0.1 ln 0.2
_WEATHER_P = [0.6, 0.25, 0.1, 0.05]  # the chapter's weather example, and a uniform forecast
_WEATHER_Q = [0.25, 0.25, 0.25, 0.25]
_WEATHER_PQ = float(losses.kl_divergence(_WEATHER_P, _WEATHER_Q))
_WEATHER_QP = float(losses.kl_divergence(_WEATHER_Q, _WEATHER_P))

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
            "KL averages the log-ratio under its first argument: swapping changes the weights",
            True,
            "Right: KL is an expectation under its first argument, so the outcomes that matter "
            "change with the order; it is not a distance and not symmetric.",
        ),
        Option(
            "symmetric",
            "It is not different: KL measures a distance, and distances are symmetric",
            False,
            "KL is not a distance and not symmetric. Try P = (0.5, 0.5), Q = (0.9, 0.1): the two "
            f"directions give {_KL_PQ:.3f} and {_KL_QP:.3f} nats. (Some texts print this line with "
            "the ≠ lost.)",
        ),
        Option(
            "sign_flip",
            "Swapping P and Q flips the sign of every log-ratio, so KL(Q‖P) = −KL(P‖Q)",
            False,
            "Each log-ratio does change sign, but the weights change too, from P(x) to Q(x), and "
            "both directions are ≥ 0 (Gibbs' inequality): with P = (0.5, 0.5), Q = (0.9, 0.1) "
            f"they are {_KL_PQ:.3f} and {_KL_QP:.3f} nats, not opposite numbers.",
        ),
        Option(
            "zeros_only",
            "They differ only when one of them gives probability 0 to an outcome the other allows",
            False,
            "A zero makes one direction infinite, but the chapter's weather example has no zero "
            f"and still gives {_WEATHER_PQ:.4f} nats one way and {_WEATHER_QP:.4f} the other.",
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
            "Wide: one bell over both modes, its peak in the gap between them",
            True,
            "Where P > 0 and Q is tiny, P·ln(P/Q) is huge, so Q must not be small anywhere P has "
            "mass: for a Gaussian that means matching P's mean and variance.",
        ),
        Option(
            "seeking",
            "Narrow: one bell on the heavier mode, and the lighter mode left out",
            False,
            "That is the reverse KL, D(Q‖P), which pays only where Q has mass. Forward KL pays "
            "P·ln(P/Q) on the mode left out, where Q is almost 0: a huge cost.",
        ),
        Option(
            "between_narrow",
            "Narrow: one bell in the gap, halfway between the two modes",
            False,
            "A narrow Q in the gap leaves both modes where Q is almost 0, which forward KL "
            "punishes hardest: it is bad in both directions.",
        ),
        Option(
            "exact",
            "Equal to P: a KL divergence is minimised at 0, where Q = P",
            False,
            "KL is 0 only at Q = P, and no single Gaussian has two modes: the best Gaussian keeps "
            "a positive divergence.",
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
            "Narrow: one bell on one of the modes, the other mode left out",
            True,
            "The average is now under Q: Q pays for its mass where P is small (the gap), and "
            "pays nothing for a mode it leaves out.",
        ),
        Option(
            "covering",
            "Wide: one bell over both modes, its peak in the gap between them",
            False,
            "That is the forward fit. A wide Q puts mass in the gap where P is small, and reverse "
            "KL charges Q·ln(Q/P) exactly there.",
        ),
        Option(
            "between_narrow",
            "Narrow: one bell in the gap, halfway between the two modes",
            False,
            "The gap is where P is nearly 0, so ln(Q/P) is largest there: reverse KL pays most "
            "for Q's mass in the gap.",
        ),
        Option(
            "exact",
            "Equal to P: a KL divergence is minimised at 0, where Q = P",
            False,
            "KL is 0 only at Q = P, and no single Gaussian has two modes: the best Gaussian keeps "
            "a positive divergence in either direction.",
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
    prompt=(
        r"Q assigns probability 0 to an outcome $x$ that has $P(x) > 0$. "
        r"What is $D_{\mathrm{KL}}(P\,\|\,Q)$?"
    ),
    options=(
        Option(
            "infinite",
            "Infinite: the term P(x)·ln(P(x)/Q(x)) is +∞ for that outcome",
            True,
            "P(x)·ln(P(x)/0) = +∞: the model says the observed outcome is impossible. In practice Q "
            "comes from a softmax (never exactly 0) or is smoothed.",
        ),
        Option(
            "skip",
            "Finite: the outcome adds nothing, by the convention 0·ln 0 = 0",
            False,
            "The convention 0·ln 0 = 0 is for P(x) = 0, an outcome that never happens. Here "
            "P(x) > 0 and Q(x) = 0: the outcome happens and the model gave it no probability.",
        ),
        Option(
            "nan",
            "Undefined (nan): a ratio P(x)/0 has no value at all",
            False,
            "With P(x) > 0, P(x)/0 = +∞ and ln(+∞) = +∞: the term is +∞, not nan. A nan comes "
            "from 0·ln 0 when the P(x) = 0 outcomes are not masked, the other case.",
        ),
        Option(
            "clipped",
            "Large but finite: Q(x) is clipped to a small ε such as 1e-12",
            False,
            "Libraries often clip Q to avoid the infinity, which gives a large finite number, "
            "P(x)·ln(P(x)/ε); the divergence itself is infinite, and losses.kl_divergence returns "
            "inf on purpose.",
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


_H_P = float(-np.sum(np.multiply(_P, np.log(_P))))  # the entropy of P = (0.5, 0.5): ln 2
_H_Q = float(-np.sum(np.multiply(_Q, np.log(_Q))))
_CE = float(losses.cross_entropy(np.array([_P]), np.array([_Q])))  # H(P, Q) = H(P) + KL(P‖Q)

ce_value = NumericQuestion(
    id="distributions.ce_value",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"Same $P = (0.5,\ 0.5)$, now the soft target of a classifier whose softmax outputs "
        r"$Q = (0.9,\ 0.1)$. What is its cross-entropy loss $H(P, Q) = -\sum_x P(x)\ln Q(x)$ in "
        "nats, to three decimals? (You may use your answer to (a).)"
    ),
    answer=_CE,
    abs_tol=1e-3,
    rel_tol=0.0,
    wrong_values=(
        (_KL_PQ, "That is KL(P‖Q) alone; the cross-entropy adds the entropy H(P) = ln 2."),
        (_H_P, "That is the entropy H(P) alone; the cross-entropy adds KL(P‖Q) to it."),
        (_H_Q + _KL_PQ, "That adds the entropy of Q; the identity uses H(P), the target's."),
        (_H_P - _KL_PQ, "The KL term is added to the entropy, not subtracted."),
        (_CE / np.log(2), "That is in bits (log base 2); use the natural log."),
    ),
    hints=(r"$H(P, Q) = H(P) + D_{\mathrm{KL}}(P\,\|\,Q)$, and $H(P) = \ln 2$ here.",),
    explanation=(
        f"H(P) + KL(P‖Q) = ln 2 + {_KL_PQ:.3f} = {_CE:.3f} nats, the same as "
        "−(0.5 ln 0.9 + 0.5 ln 0.1): with soft targets the cross-entropy never drops to 0, only "
        "to H(P)."
    ),
)

_GRAD_P = np.array([0.5, 0.3, 0.2])
_GRAD_Q = np.array([0.7, 0.2, 0.1])
# ∂KL(P‖softmax(z))/∂z at logits whose softmax is Q: Q − P
_GRAD = losses.kl_divergence_grad(_GRAD_P, np.log(_GRAD_Q), from_logits=True)

logit_gradient = NumericQuestion(
    id="distributions.logit_gradient",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"A model's softmax turns its logits $z$ into $Q = (0.7,\ 0.2,\ 0.1)$; the target is "
        r"$P = (0.5,\ 0.3,\ 0.2)$. What is $\partial D_{\mathrm{KL}}(P\,\|\,Q) / \partial z_1$, "
        "the gradient with respect to the **first logit**?"
    ),
    answer=float(_GRAD[0]),
    abs_tol=1e-6,
    rel_tol=1e-6,
    wrong_values=(
        (
            float(-_GRAD_P[0] / _GRAD_Q[0]),
            "That is −P₁/Q₁, the gradient with respect to the probability Q₁. Through the softmax "
            "the gradient with respect to the logit is Q₁ − P₁.",
        ),
        (
            float(_GRAD_P[0] - _GRAD_Q[0]),
            "The sign is flipped: it is prediction minus target, Q − P.",
        ),
        (
            float(-_GRAD_P[0] * (1 - _GRAD_Q[0])),
            "You kept only the i = 1 term of the chain rule, −P₁(1 − Q₁); the other outcomes add "
            "P_i·Q₁ each, and the sum is Q₁ − P₁.",
        ),
    ),
    hints=(
        "The chapter derives the gradient with respect to the logits: prediction minus target.",
    ),
    explanation=(
        "∂D/∂z_j = Q_j − P_j, the same as softmax cross-entropy (they differ by the constant "
        f"H(P)): {_GRAD_Q[0]:g} − {_GRAD_P[0]:g} = {_GRAD[0]:.1f}."
    ),
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
            "On the mode at −3, the one with the lower divergence",
            False,
            f"It would give the lower divergence (−ln 0.6 = {-np.log(0.6):.3f} against −ln 0.4 = "
            f"{-np.log(0.4):.3f} nats), but gradient descent only follows the local slope: from "
            "μ = 2.5 it never sees the other mode.",
        ),
        Option(
            "nearer",
            "On the mode at +3, the one next to where it starts",
            True,
            "Reverse KL settles on one mode, and which one depends on the start: the fit slides "
            "into the nearer mode, even though the other would fit better.",
        ),
        Option(
            "both",
            "Wide, over both modes, centred near the mixture's mean",
            False,
            "That is what forward KL does. Reverse KL pays for Q's mass where P has none, so it "
            "avoids the gap between the modes.",
        ),
        Option(
            "middle",
            "Narrow, centred at 0, halfway between the two modes",
            False,
            "The gap between the modes is where P is nearly 0: reverse KL pays most for putting "
            "Q's mass there.",
        ),
    ),
    hints=(
        "Which direction does the gradient point at μ = 2.5, and what does the fit know of the mode at −3?",
    ),
    explanation=(
        "The cell below shows it: the fit ends on the mode at +3, with D(Q‖P) = −ln 0.4 = "
        f"{-np.log(0.4):.3f} nats, although the mode at −3 would give −ln 0.6 = {-np.log(0.6):.3f}."
    ),
)

register(
    asymmetry,
    forward_kl_fit,
    reverse_kl_fit,
    zero_in_q,
    ce_identity,
    kl_pq_value,
    kl_qp_value,
    ce_value,
    logit_gradient,
    implement_kl,
    reverse_kl_start,
)
