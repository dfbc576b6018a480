"""The question bank: the course's exercises as data.

- :mod:`exercises.bank.model`: what a question of each kind is made of (options, cases, known
  mistakes, tolerances);
- :mod:`exercises.bank.registry`: every question by id, in chapter order, the named mixed
  quizzes, and each student's variant of a question with parameters;
- :mod:`exercises.bank.variants`: questions with parameters, and the seed of a student's variant;
- one module per chapter (:mod:`exercises.bank.regression`, :mod:`~exercises.bank.classification`,
  :mod:`~exercises.bank.imbalanced`, :mod:`~exercises.bank.distributions`,
  :mod:`~exercises.bank.metric_learning`, :mod:`~exercises.bank.closing`) holding its questions.

The bank says what is asked and what is right; it never scores an answer (that is
:mod:`exercises.scoring`) or shows one (:mod:`exercises.render`). It imports :mod:`losses` (the
references of the code questions and the keys computed from them), numpy and the standard
library, and nothing else of :mod:`exercises` (``tests/test_architecture.py`` enforces it).

>>> from exercises import bank
>>> q = bank.get_question("regression.outlier_loss")
>>> q.chapter, len(bank.all_questions("regression")) > 5
('regression', True)
"""

from . import (  # noqa: F401  (importing a chapter module registers its questions)
    classification,
    closing,
    distributions,
    imbalanced,
    metric_learning,
    regression,
)
from .model import (
    KINDS,
    LETTERS,
    Case,
    ChoiceQuestion,
    CodeQuestion,
    Mistake,
    NumericQuestion,
    Option,
    Question,
    normalise_key,
)
from .registry import (
    CHAPTER_TITLES,
    CHAPTERS,
    QUIZZES,
    all_questions,
    check_chapter,
    get_question,
    has_variants,
    parametric,
    register,
    register_quiz,
    select,
    variant,
    variant_label,
    variant_params,
)
from .variants import Parametric, variant_salt, variant_seed

__all__ = [
    "CHAPTERS",
    "CHAPTER_TITLES",
    "KINDS",
    "LETTERS",
    "QUIZZES",
    "Case",
    "ChoiceQuestion",
    "CodeQuestion",
    "Mistake",
    "NumericQuestion",
    "Option",
    "Parametric",
    "Question",
    "all_questions",
    "check_chapter",
    "get_question",
    "has_variants",
    "normalise_key",
    "parametric",
    "register",
    "register_quiz",
    "select",
    "variant",
    "variant_label",
    "variant_params",
    "variant_salt",
    "variant_seed",
]
