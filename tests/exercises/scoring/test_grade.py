"""What :func:`exercises.scoring.grade` does for every kind: a placeholder is "not attempted"."""

import pytest

from exercises import check


@pytest.mark.parametrize("placeholder", [..., None])
@pytest.mark.parametrize(
    "qid", ["regression.outlier_loss", "imbalanced.small_object_losses", "regression.huber_value"]
)
def test_placeholder_is_not_attempted(qid, placeholder):
    r = check(qid, placeholder)
    assert r.status == "not_attempted" and not r.passed and r.score == 0.0
    assert "Not attempted yet" in str(r)
