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
from .variants import Parametric, signed

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


def _two(params: dict) -> tuple[list[float], list[float]]:
    """P and Q of Exercise 5, each a two-outcome distribution given by its first probability."""
    p, q = float(params["p"]), float(params["q"])
    return [p, round(1 - p, 2)], [q, round(1 - q, 2)]


def _pair(dist) -> str:
    """A distribution as the statements write it: ``(0.5, 0.5)``."""
    return "(" + ", ".join(f"{v:g}" for v in dist) + ")"


def _tex_pair(dist) -> str:
    """A distribution as the bank's prompts write it in LaTeX: ``(0.5,\\ 0.5)``."""
    return "(" + r",\ ".join(f"{v:g}" for v in dist) + ")"


def _terms(weights, ratios_of) -> str:
    """Two terms and their sum, ``−0.294 + 0.805``, each term to three decimals."""
    a, b = (float(w * np.log(x)) for w, x in zip(weights, ratios_of, strict=True))
    return f"{a:.3f}".replace("-", "−") + (" − " if b < 0 else " + ") + f"{abs(b):.3f}"


def _ln_ratio(num: float, den: float) -> str:
    """``ln 1.8`` when the ratio is a short decimal, else ``ln(0.85/0.35)``."""
    ratio = num / den
    if abs(ratio - round(ratio, 4)) < 1e-12:
        return f"ln {round(ratio, 4):g}"
    return f"ln({num:g}/{den:g})"


def _kl_pq_value(params: dict) -> NumericQuestion:
    p, q = _two(params)
    kl_pq = float(losses.kl_divergence(p, q))
    kl_qp = float(losses.kl_divergence(q, p))
    return NumericQuestion(
        id="distributions.kl_pq_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            rf"Let $P = {_tex_pair(p)}$ and $Q = {_tex_pair(q)}$. Compute "
            r"$D_{\mathrm{KL}}(P\,\|\,Q)$ in nats (natural log), to three decimals."
        ),
        answer=kl_pq,
        abs_tol=1e-3,
        rel_tol=0.0,
        wrong_values=(
            (
                kl_qp,
                "That is KL(Q‖P): the arguments are swapped. The weights come from "
                f"P = {_pair(p)}.",
            ),
            (kl_pq / np.log(2), "That is in bits (log base 2); use the natural log."),
            (-kl_pq, "KL divergence is never negative: check the order inside the log, ln(P/Q)."),
        ),
        hints=(
            "$"
            + " + ".join(rf"{a:g} \ln\frac{{{a:g}}}{{{b:g}}}" for a, b in zip(p, q, strict=True))
            + "$.",
        ),
        explanation=(
            " + ".join(f"{a:g} ln({a:g}/{b:g})" for a, b in zip(p, q, strict=True))
            + f" ≈ {_terms(p, np.divide(p, q))} = {kl_pq:.3f} nats."
        ),
    )


def _kl_qp_value(params: dict) -> NumericQuestion:
    p, q = _two(params)
    kl_pq = float(losses.kl_divergence(p, q))
    kl_qp = float(losses.kl_divergence(q, p))
    return NumericQuestion(
        id="distributions.kl_qp_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            rf"Same $P = {_tex_pair(p)}$ and $Q = {_tex_pair(q)}$. Now compute "
            r"$D_{\mathrm{KL}}(Q\,\|\,P)$ in nats, to three decimals."
        ),
        answer=kl_qp,
        abs_tol=1e-3,
        rel_tol=0.0,
        wrong_values=(
            (
                kl_pq,
                "That is KL(P‖Q): here Q comes first and supplies the weights "
                f"{q[0]:g} and {q[1]:g}.",
            ),
            (kl_qp / np.log(2), "That is in bits (log base 2); use the natural log."),
            (-kl_qp, "KL divergence is never negative: check the order inside the log."),
        ),
        hints=(
            "$"
            + " + ".join(rf"{b:g} \ln\frac{{{b:g}}}{{{a:g}}}" for a, b in zip(p, q, strict=True))
            + "$.",
        ),
        explanation=(
            " + ".join(f"{b:g} {_ln_ratio(b, a)}" for a, b in zip(p, q, strict=True))
            + f" ≈ {_terms(q, np.divide(q, p))} = {kl_qp:.3f} nats: not the same as KL(P‖Q)."
        ),
    )


def _entropy(dist) -> float:
    return float(-np.sum(np.multiply(dist, np.log(dist))))


def _ce_value(params: dict) -> NumericQuestion:
    p, q = _two(params)
    kl_pq = float(losses.kl_divergence(p, q))
    h_p, h_q = _entropy(p), _entropy(q)
    ce = float(losses.cross_entropy(np.array([p]), np.array([q])))  # H(P, Q) = H(P) + KL(P‖Q)
    uniform = p[0] == p[1]  # H(P) = ln 2
    h_p_text = "ln 2" if uniform else f"{h_p:.3f}"
    h_p_tex = r"\ln 2" if uniform else "-(" + " + ".join(rf"{a:g} \ln {a:g}" for a in p) + ")"
    return NumericQuestion(
        id="distributions.ce_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            rf"Same $P = {_tex_pair(p)}$, now the soft target of a classifier whose softmax "
            rf"outputs $Q = {_tex_pair(q)}$. What is its cross-entropy loss "
            r"$H(P, Q) = -\sum_x P(x)\ln Q(x)$ in nats, to three decimals? (You may use your "
            "answer to (a).)"
        ),
        answer=ce,
        abs_tol=1e-3,
        rel_tol=0.0,
        wrong_values=(
            (
                kl_pq,
                f"That is KL(P‖Q) alone; the cross-entropy adds the entropy H(P) = {h_p_text}.",
            ),
            (h_p, "That is the entropy H(P) alone; the cross-entropy adds KL(P‖Q) to it."),
            (h_q + kl_pq, "That adds the entropy of Q; the identity uses H(P), the target's."),
            (h_p - kl_pq, "The KL term is added to the entropy, not subtracted."),
            (ce / np.log(2), "That is in bits (log base 2); use the natural log."),
        ),
        hints=(
            r"$H(P, Q) = H(P) + D_{\mathrm{KL}}(P\,\|\,Q)$, and "
            rf"$H(P) = {h_p_tex}$ here.",
        ),
        explanation=(
            f"H(P) + KL(P‖Q) = {h_p_text} + {kl_pq:.3f} = {ce:.3f} nats, the same as "
            "−("
            + " + ".join(f"{a:g} ln {b:g}" for a, b in zip(p, q, strict=True))
            + "): with soft targets the cross-entropy never drops to 0, only to H(P)."
        ),
    )


def _apart(questions, gap: float) -> bool:
    """Each question's key and known wrong values at least ``gap`` from each other."""
    return all(q.spread() > gap for q in questions)


def _draw_pq(rng: np.random.Generator) -> dict:
    # P = (p, 1 − p) and Q = (q, 1 − q) on a 0.05 grid, at least 0.2 apart so that the
    # divergences are not tiny; the three questions of Exercise 5 share one draw. Every slip of
    # each question at least five tolerances (3 decimals) from its key and from the others (this
    # excludes q = 1 − p, where the two directions are equal).
    while True:
        params = {
            "p": round(0.05 * int(rng.integers(2, 19)), 2),
            "q": round(0.05 * int(rng.integers(1, 20)), 2),
        }
        if abs(params["p"] - params["q"]) < 0.2 - 1e-9:
            continue
        built = (_kl_pq_value(params), _kl_qp_value(params), _ce_value(params))
        if _apart(built, 5e-3):
            return params


#: the three values of Exercise 5 share P and Q
_PQ_GROUP = "distributions.same_p_and_q"
_PQ0 = {"p": _P[0], "q": _Q[0]}


def _shown_pq(params: dict) -> tuple[str, ...]:
    p, q = _two(params)
    return (f"Let $P = {_pair(p)}$ and $Q = {_pair(q)}$.",)


kl_pq_value = Parametric(
    build=_kl_pq_value, draw=_draw_pq, params0=_PQ0, group=_PQ_GROUP, shown=_shown_pq
)
kl_qp_value = Parametric(
    build=_kl_qp_value, draw=_draw_pq, params0=_PQ0, group=_PQ_GROUP, shown=_shown_pq
)
ce_value = Parametric(
    build=_ce_value, draw=_draw_pq, params0=_PQ0, group=_PQ_GROUP, shown=_shown_pq
)


def _logit_gradient(params: dict) -> NumericQuestion:
    p, q = np.array(params["p"]), np.array(params["q"])
    # ∂KL(P‖softmax(z))/∂z at logits whose softmax is Q: Q − P
    grad = losses.kl_divergence_grad(p, np.log(q), from_logits=True)
    return NumericQuestion(
        id="distributions.logit_gradient",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            rf"A model's softmax turns its logits $z$ into $Q = {_tex_pair(q)}$; the target is "
            rf"$P = {_tex_pair(p)}$. What is $\partial D_{{\mathrm{{KL}}}}(P\,\|\,Q) / \partial "
            r"z_1$, the gradient with respect to the **first logit**?"
        ),
        answer=float(grad[0]),
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (
                float(-p[0] / q[0]),
                "That is −P₁/Q₁, the gradient with respect to the probability Q₁. Through the "
                "softmax the gradient with respect to the logit is Q₁ − P₁.",
            ),
            (
                float(p[0] - q[0]),
                "The sign is flipped: it is prediction minus target, Q − P.",
            ),
            (
                float(-p[0] * (1 - q[0])),
                "You kept only the i = 1 term of the chain rule, −P₁(1 − Q₁); the other outcomes "
                "add P_i·Q₁ each, and the sum is Q₁ − P₁.",
            ),
        ),
        hints=(
            "The chapter derives the gradient with respect to the logits: prediction minus target.",
        ),
        explanation=(
            "∂D/∂z_j = Q_j − P_j, the same as softmax cross-entropy (they differ by the constant "
            f"H(P)): {q[0]:g} − {p[0]:g} = {signed(round(float(grad[0]), 2))}."
        ),
    )


def _three(rng: np.random.Generator, first: tuple[int, int]) -> tuple[float, ...]:
    """A three-outcome distribution in hundredths, every probability at least 0.05."""
    a = int(rng.integers(*first))
    b = int(rng.integers(5, 100 - a - 4))
    return tuple(round(0.01 * k, 2) for k in (a, b, 100 - a - b))


def _draw_logit_gradient(rng: np.random.Generator) -> dict:
    # Q₁ and P₁ in hundredths (so that a class's keys Q₁ − P₁ rarely coincide), at least 0.1
    # apart (a clear gradient, either sign), and every slip at least 0.02 from the key and from
    # the others (Q₁ = 2P₁/(1 + P₁) would make the flipped sign equal the one-term slip)
    while True:
        params = {"q": _three(rng, (20, 81)), "p": _three(rng, (20, 81))}
        if abs(params["q"][0] - params["p"][0]) < 0.1 - 1e-9:
            continue
        if _apart([_logit_gradient(params)], 0.02):
            return params


logit_gradient = Parametric(
    build=_logit_gradient,
    draw=_draw_logit_gradient,
    params0={"q": (0.7, 0.2, 0.1), "p": (0.5, 0.3, 0.2)},
    shown=lambda prm: (
        f"turns its logits $z$ into $Q = {_pair(prm['q'])}$; the target is "
        f"$P = {_pair(prm['p'])}$.",
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


def _grid_dist(rng: np.random.Generator, n: int, parts: int = 10) -> list[float]:
    """A distribution of ``n`` positive entries, multiples of 1/``parts`` (0.1 by default):
    printable without floating-point noise."""
    cuts = np.sort(rng.choice(np.arange(1, parts), size=n - 1, replace=False))
    counts = np.diff(np.concatenate([[0], cuts, [parts]]))
    return [round(int(k) / parts, 2) for k in counts]


def _with_zero(rng: np.random.Generator, n: int, at: int, parts: int = 10) -> list[float]:
    """A distribution of ``n`` entries on the 1/``parts`` grid, 0 at index ``at`` only."""
    rest = _grid_dist(rng, n - 1, parts)
    return [*rest[:at], 0.0, *rest[at:]]


def _kl_fixed_draw(rng: np.random.Generator) -> tuple[Case, ...]:
    """A student's fixed cases of ``implement_kl``: the book's seven edges with other values
    (zeros where the book has them; the other entries on a 0.1 or 0.05 grid)."""
    # two distributions without zeros, P ≠ Q
    n1 = int(rng.integers(3, 5))
    p1 = _grid_dist(rng, n1)
    q1 = p1
    while q1 == p1:
        q1 = _grid_dist(rng, n1)
    # P has a zero (Q has none there)
    n2 = int(rng.integers(3, 5))
    k2 = int(rng.integers(0, n2))
    p2, q2 = _with_zero(rng, n2, k2), _grid_dist(rng, n2)
    # P equals Q: the divergence is exactly 0
    n3 = int(rng.integers(2, 5))
    p3 = _grid_dist(rng, n3, 20)
    # P is one-hot, Q has no zero
    n4 = int(rng.integers(3, 6))
    k4 = int(rng.integers(0, n4))
    p4 = [1.0 if i == k4 else 0.0 for i in range(n4)]
    q4 = _grid_dist(rng, n4, 20)
    # P and Q are both zero on one outcome (0 · ln(0/0) must count 0)
    n5 = int(rng.integers(3, 5))
    k5 = int(rng.integers(0, n5))
    p5 = _with_zero(rng, n5, k5)
    q5 = p5
    while q5 == p5:
        q5 = _with_zero(rng, n5, k5)
    # an asymmetric pair of two-outcome distributions: KL(P‖Q) and KL(Q‖P) far apart
    while True:
        a = float(rng.choice([0.3, 0.4, 0.5, 0.6, 0.7]))
        b = float(rng.choice([0.05, 0.1, 0.15, 0.2, 0.8, 0.85, 0.9, 0.95]))
        p6, q6 = np.array([a, round(1 - a, 2)]), np.array([b, round(1 - b, 2)])
        if abs(_kl_reference(p6, q6) - _kl_reference(q6, p6)) > 0.05:
            break
    # Q is zero where P is not: the divergence is infinite
    n7 = int(rng.integers(2, 4))
    k7 = int(rng.integers(0, n7))
    p7, q7 = _grid_dist(rng, n7), _with_zero(rng, n7, k7)

    def pair(values):
        return "(" + ", ".join(f"{v:g}" for v in values) + ")"

    return (
        _kcase(f"two {n1}-outcome distributions", p1, q1),
        _kcase(f"P has a zero at index {k2} of {n2}", p2, q2),
        _kcase(f"P equals Q = {pair(p3)}", p3, p3),
        _kcase(f"P is one-hot at index {k4} of {n4}", p4, q4),
        _kcase(f"P and Q are both zero at index {k5} of {n5}", p5, q5),
        _kcase(f"an asymmetric pair: P = {pair(p6)}, Q = {pair(q6)}", p6, q6),
        _kcase(f"Q is zero where P is not, at index {k7} of {n7}", p7, q7),
    )


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
    fixed_draw=_kl_fixed_draw,
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
