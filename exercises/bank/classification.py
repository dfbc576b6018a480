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

_CE_VALUE = float(losses.cross_entropy([0], [[2.0, 1.0, 0.0]], from_logits=True))  # 0.40761

ce_value = NumericQuestion(
    id="classification.ce_value",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"A three-class model outputs the scores (logits) $z = (2, 1, 0)$ and the true class is the "
        r"first one. What is the cross-entropy loss $-\log \operatorname{softmax}(z)_1$ (natural log)? "
        "Give three decimals."
    ),
    answer=_CE_VALUE,
    abs_tol=1e-3,
    rel_tol=0.0,
    wrong_values=(
        (
            _CE_VALUE / np.log(2),
            "That is in bits (log base 2); the loss uses the natural logarithm.",
        ),
        (
            float(np.exp(-_CE_VALUE)),
            "That is the softmax probability of the true class; the loss is −log of it.",
        ),
        (-2.0, "The raw score is not a probability: apply the softmax first."),
        (_CE_VALUE / np.log(10), "That uses log base 10; the loss uses the natural logarithm."),
    ),
    hints=(r"$\operatorname{softmax}(z)_1 = e^2 / (e^2 + e^1 + e^0)$.",),
    explanation="softmax(z)₁ = e²/(e² + e + 1) ≈ 0.665, and −ln 0.665 ≈ 0.408.",
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

_MC_SCORES = [[1.0, 1.5, 0.8]]  # true class: the first


def _weston_watkins(scores, label):
    """Σ_{c≠y} max(0, 1 − (s_y − s_c)): the other multiclass hinge, for its wrong value."""
    s = np.asarray(scores[0], dtype=float)
    return float(sum(max(0.0, 1.0 - (s[label] - s[c])) for c in range(len(s)) if c != label))


_MC_VALUE = float(losses.multiclass_hinge([0], _MC_SCORES))  # 1 − (1.0 − 1.5) = 1.5
_MC_WW = _weston_watkins(_MC_SCORES, 0)  # 1.5 + 0.8 = 2.3

multiclass_hinge_value = NumericQuestion(
    id="classification.multiclass_hinge_value",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MULTICLASS,
    prompt=(
        r"A three-class linear SVM gives one sample the scores $s = (1.0,\ 1.5,\ 0.8)$; its true "
        "class is the first. What is its multiclass hinge loss in the Crammer–Singer form, "
        r"$\max\bigl(0,\ 1 - (s_y - \max_{c \ne y} s_c)\bigr)$?"
    ),
    answer=_MC_VALUE,
    abs_tol=1e-6,
    rel_tol=1e-6,
    wrong_values=(
        (
            _MC_WW,
            "That is the Weston–Watkins form: it adds the shortfall of every wrong class within "
            "the margin (1.5 for the second, 0.8 for the third). Crammer and Singer keep only the "
            "best-scoring wrong class.",
        ),
        (
            _MC_WW / 3,
            "That is PyTorch's MultiMarginLoss: the Weston–Watkins sum divided by the number of "
            "classes. Crammer and Singer take the best-scoring wrong class only.",
        ),
        (
            0.8,
            "You compared the true class with the lowest other score (0.8); the rival is the "
            "highest other score, 1.5.",
        ),
        (
            0.5,
            "That is s_rival − s_y without the margin: the loss asks the true score to lead by at "
            "least 1, so it is 1 − (1.0 − 1.5).",
        ),
    ),
    hints=("Find the best-scoring wrong class first, then the margin s_y − s_rival.",),
    explanation=(
        "The best wrong class scores 1.5, so the margin is 1.0 − 1.5 = −0.5 (the sample is "
        "misclassified) and the loss is 1 − (−0.5) = 1.5."
    ),
)

_ECE_P = (0.1, 0.3, 0.6, 0.8, 0.9)
_ECE_Y = (0.0, 1.0, 0.0, 1.0, 1.0)


def _ece(y, p, n_bins):
    """ECE with equal-width bins [0, 1/B), …, [(B−1)/B, 1]: Σ_b (n_b / N)·|ȳ_b − p̄_b|."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    idx = np.minimum((p * n_bins).astype(int), n_bins - 1)
    return float(
        sum(np.sum(idx == b) * abs(y[idx == b].mean() - p[idx == b].mean()) for b in set(idx))
        / p.size
    )


_ECE_TWO = _ece(_ECE_Y, _ECE_P, 2)  # (2·|0.5 − 0.2| + 3·|2/3 − 23/30|) / 5 = 0.18

ece_two_bins = NumericQuestion(
    id="classification.ece_two_bins",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=ECE_BINS,
    prompt=(
        r"A model predicts the probabilities $p = (0.1,\ 0.3,\ 0.6,\ 0.8,\ 0.9)$ for five "
        r"samples whose labels are $y = (0,\ 1,\ 0,\ 1,\ 1)$. Compute its expected calibration "
        r"error with two equal-width bins, $[0, 0.5)$ and $[0.5, 1]$: "
        r"$\sum_b \frac{n_b}{N}\,|\bar y_b - \bar p_b|$. Give three decimals."
    ),
    answer=_ECE_TWO,
    abs_tol=1e-3,
    rel_tol=0.0,
    wrong_values=(
        (
            _ece(_ECE_Y, _ECE_P, 1),
            "That is the ECE with one bin, |mean(y) − mean(p)|: the two bins' gaps point opposite "
            "ways and cancel in a single bin. The question asks for two.",
        ),
        (
            0.2,
            "That is the plain mean of the two bins' gaps, 0.3 and 0.1: weigh each by its share of "
            "the samples, 2/5 and 3/5.",
        ),
        (
            float(np.mean(np.abs(np.subtract(_ECE_Y, _ECE_P)))),
            "That is the mean of |y − p| over the samples: one bin per sample, not two bins.",
        ),
        (
            0.4,
            "That is the sum of the two gaps without weights: weigh each by its share of the "
            "samples, 2/5 and 3/5.",
        ),
    ),
    hints=(
        "The first bin holds 0.1 and 0.3, the second 0.6, 0.8 and 0.9: compare each bin's mean "
        "label with its mean prediction.",
    ),
    explanation=(
        "First bin: mean prediction 0.2, mean label 0.5, gap 0.3, weight 2/5. Second bin: mean "
        "prediction 0.767, mean label 0.667, gap 0.1, weight 3/5. ECE = 0.12 + 0.06 = 0.18."
    ),
)

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
    ece_two_bins,
    ece_floor_samples,
)
