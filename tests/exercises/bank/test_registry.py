"""The registry: a question id that is not in the bank is a KeyError that names the close ones."""

import pytest

from exercises import check


def test_unknown_id_is_a_keyerror_with_close_matches():
    with pytest.raises(KeyError, match="regression.implement_huber"):
        check("regression.implement_hubber", 1.0)
    with pytest.raises(KeyError, match="imbalanced.implement_dice"):
        check("implement_dice", 1.0)
    with pytest.raises(KeyError, match=r"exercises\.questions\(\)"):
        check("zzzz", 1.0)
