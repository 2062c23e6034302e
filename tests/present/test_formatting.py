"""How numbers are written (present/formatting.py) in each journal style (present/journal_style.py)."""

from __future__ import annotations

import pytest

from oncocohort.present.formatting import (
    count_percent,
    estimate_ci,
    interval,
    number,
    p_text,
    p_value,
    percent_text,
    plural,
)
from oncocohort.present.journal_style import STYLE_NAMES, get_style


def test_default_style_is_todays_output():
    assert count_percent(11, 32) == "11 (34.4)" and estimate_ci(7.6, 3.3, 11.9) == "7.6 (3.3–11.9)"
    assert estimate_ci(None, 5.0, None) == "NR (5.0–NE)" and percent_text(0.34375) == "34.4%"
    assert [p_value(p) for p in (0.0004, 0.002, 0.382, None)] == ["< 0.001", "0.002", "0.382", "NE"]
    assert p_text(0.0004) == "p < 0.001" and p_text(0.002) == "p = 0.002"  # never "p = < 0.001"


def test_negative_limits_use_the_minus_sign_and_to():
    assert interval(-3.66, 13.6) == "−3.7 to 13.6" and number(-0.01) == "0.0"
    assert estimate_ci(5.0, -3.66, 13.6) == "5.0 (−3.7 to 13.6)"


@pytest.mark.parametrize("name, ci, p_small, p_mid, p_one, pct", [
    ("default", "7.6 (3.3–11.9)", "p < 0.001", "p = 0.382", "p > 0.99", "34.4%"),
    ("lancet", "7·6 (3·3–11·9)", "p<0·0001", "p=0·38", "p>0·99", "34·4%"),
    ("jama", "7.6 (3.3–11.9)", "P < .001", "P = .38", "P > .99", "34.4%"),
    ("nejm", "7.6 (3.3 to 11.9)", "P<0.001", "P=0.38", "P>0.99", "34.4%"),
])
def test_journal_styles(name, ci, p_small, p_mid, p_one, pct):
    style = get_style(name)
    assert estimate_ci(7.6, 3.3, 11.9, style=style) == ci
    assert p_text(0.00001, style) == p_small and p_text(0.3821, style) == p_mid and p_text(0.9999, style) == p_one
    assert percent_text(0.34375, style=style) == pct


@pytest.mark.parametrize("name, cell, text, below", [
    ("default", "> 0.99", "p > 0.99", "0.990"), ("lancet", ">0·99", "p>0·99", "0·99"),
    ("jama", "> .99", "P > .99", ".99"), ("nejm", ">0.99", "P>0.99", "0.99")])
def test_a_p_value_of_one_is_written_above_099(name, cell, text, below):
    """p = 1 (Fisher's test of two equal rates) and any p that rounds to 1 at the style's precision: "p > 0.99" as
    the journals write it, in table cells and in sentences — never "p = 1.000"; a p just below stays a number."""
    style = get_style(name)
    for p in (1.0, 0.99999, 0.9996):
        assert p_value(p, style) == cell and p_text(p, style) == text
    assert p_value(0.99, style) == below  # a p that does not round to 1 is written as a number


@pytest.mark.parametrize("name, cell, text", [
    ("default", "< 0.001", "p < 0.001"), ("lancet", "<0·0001", "p<0·0001"), ("jama", "< .001", "P < .001"),
    ("nejm", "<0.001", "P<0.001")])
def test_a_tiny_p_value_is_written_below_the_floor(name, cell, text):
    style = get_style(name)
    assert p_value(1e-12, style) == cell and p_text(1e-12, style) == text and p_text(0.0, style) == text


def test_journal_p_value_rules():
    jama, lancet = get_style("jama"), get_style("lancet")
    assert p_text(0.0042, jama) == "P = .004" and p_text(0.049, jama) == "P = .049"  # never rounded up to .05
    assert p_text(0.0021, lancet) == "p=0·0021" and p_value(0.00004, lancet) == "<0·0001"
    assert STYLE_NAMES == ("default", "lancet", "jama", "nejm")
    with pytest.raises(ValueError, match="choose from default, lancet, jama, nejm"):
        get_style("bmj")


def test_plurals_and_zero_in_words():
    assert [plural(0, "patient"), plural(1, "patient"), plural(2, "patient")] == ["no patients", "1 patient",
                                                                                 "2 patients"]
    assert plural(0, "patient", zero=None) == "0 patients"
