"""Journal styles: how a journal writes numbers (decimal mark, CI separator, percent spacing, p-values).

A :class:`Style` is data only; :mod:`oncocohort.present.formatting` writes numbers by it, so tables, figures and text
follow one style. The report chooses the style by name (``oncocohort report --style lancet``) and makes it active for
the whole build with :func:`use_style`; code that writes numbers reads it with :func:`active_style` (a context
variable, so no function between the report and the formatter has to pass it along).

Conventions (from each journal's instructions for authors, checked against recent articles):

- ``default``: ``7.6 (3.3–11.9)``, ``34.4%``, ``p = 0.012``, ``p < 0.001``.
- ``lancet``: the mid-line decimal point ``7·6 (3·3–11·9)``; "to" between limits when one is negative;
  p-values to two significant figures (``p=0·012``, ``p=0·37``), ``p<0·0001``; thin space as thousands
  separator (``10 000``).
- ``jama``: ``95% CI, 3.3-11.9`` (hyphen; "to" with a negative limit); ``P = .01`` without a leading zero, two
  digits (three below .01), ``P < .001``.
- ``nejm``: ``95% CI, 3.3 to 11.9``; ``P = 0.01``, ``P<0.001``.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class Style:
    """One journal's number conventions.

    Attributes
    ----------
    name, label : the option value (``lancet``) and the journal's name in words.
    decimal_mark : ``"."`` or the Lancet's mid-line ``"·"`` (U+00B7).
    thousands_separator : between groups of three digits in counts ≥ 10 000 (``""`` = none).
    ci_separator : between the limits of an interval (``"–"`` en dash, ``"-"``, ``" to "``).
    ci_separator_negative : between the limits when either is negative (a dash would read as a minus sign).
    ci_label : the words before an interval in text (``"95% CI "``; JAMA/NEJM ``"95% CI, "``).
    percent_space : between a number and ``%`` (``""`` or a space).
    p_symbol : ``"p"`` or ``"P"``.
    p_operator_space : spaces around ``=``/``<`` in p-values (``p = 0.01`` vs ``p=0·01``).
    p_leading_zero : ``0.01`` (True) or ``.01`` (JAMA, False).
    p_digits : decimals of a p-value ≥ ``p_more_digits_below``.
    p_significant_figures : when > 0, p-values to this many significant figures instead (the Lancet: 2).
    p_more_digits_below : below this, one more decimal (JAMA: ``.04`` but ``.004``); 0 = never.
    p_floor : smallest p written as a number; below it ``p < floor``.
    """

    name: str
    label: str
    decimal_mark: str = "."
    thousands_separator: str = ""
    ci_separator: str = "–"
    ci_separator_negative: str = " to "
    ci_label: str = "95% CI "
    percent_space: str = ""
    p_symbol: str = "p"
    p_operator_space: bool = True
    p_leading_zero: bool = True
    p_digits: int = 3
    p_more_digits_below: float = 0.0
    p_significant_figures: int = 0
    p_floor: float = 0.001


STYLES: dict[str, Style] = {
    "default": Style("default", "oncocohort default"),
    "lancet": Style("lancet", "The Lancet", decimal_mark="\u00b7", thousands_separator="\u2009", p_operator_space=False,
                    p_significant_figures=2, p_floor=0.0001),
    "jama": Style("jama", "JAMA", ci_separator="-", ci_label="95% CI, ", p_symbol="P", p_leading_zero=False,
                  p_digits=2, p_more_digits_below=0.01),
    "nejm": Style("nejm", "The New England Journal of Medicine", ci_separator=" to ", ci_label="95% CI, ",
                  p_symbol="P", p_operator_space=False, p_digits=2, p_more_digits_below=0.01),
}

_ACTIVE: contextvars.ContextVar[Style] = contextvars.ContextVar("oncocohort_journal_style", default=STYLES["default"])


def get_style(name: str) -> Style:
    """The style called ``name`` (``default``, ``lancet``, ``jama``, ``nejm``); ValueError naming the choices."""
    try:
        return STYLES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown journal style {name!r}; choose from {', '.join(STYLES)}") from None


def active_style() -> Style:
    """The style in force (``default`` outside :func:`use_style`)."""
    return _ACTIVE.get()


@contextlib.contextmanager
def use_style(style: Style | str):
    """Make ``style`` (a Style or its name) the active style inside the ``with`` block."""
    token = _ACTIVE.set(get_style(style) if isinstance(style, str) else style)
    try:
        yield _ACTIVE.get()
    finally:
        _ACTIVE.reset(token)
