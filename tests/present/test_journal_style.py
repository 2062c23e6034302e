"""present/journal_style.py: the four styles, lookup by name, the active style inside and after use_style."""

from __future__ import annotations

import pytest

from oncocohort.present.formatting import p_text
from oncocohort.present.journal_style import STYLES, active_style, get_style, use_style


def test_styles_carry_each_journals_conventions():
    assert set(STYLES) == {"default", "lancet", "jama", "nejm"}
    assert get_style("Lancet").decimal_mark == "\u00b7" and get_style("lancet").p_floor == 0.0001
    assert get_style("jama").p_leading_zero is False and get_style("jama").p_symbol == "P"
    assert get_style("nejm").ci_separator == " to " and get_style("nejm").p_symbol == "P"
    assert get_style("default").ci_separator == "–" and get_style("default").percent_space is False
    with pytest.raises(ValueError, match="choose from default, lancet, jama, nejm"):
        get_style("vancouver")


def test_use_style_is_scoped():
    assert active_style().name == "default"
    with use_style("nejm"):
        assert active_style().name == "nejm"
        with use_style(get_style("lancet")):
            assert active_style().name == "lancet"
        assert active_style().name == "nejm"
    assert active_style().name == "default"
    with pytest.raises(RuntimeError), use_style("jama"):
        raise RuntimeError
    assert active_style().name == "default"


def test_formatting_follows_the_active_style():
    assert p_text(0.0123) == "p = 0.012"
    with use_style("lancet"):
        assert p_text(0.0123) == "p=0\u00b7012"
    assert p_text(0.0123) == "p = 0.012"
