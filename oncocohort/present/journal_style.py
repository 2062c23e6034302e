"""Journal styles: how a journal wants numbers written (decimal mark, CI separator, percent spacing, p-values).

A :class:`Style` is data only; :mod:`oncocohort.present.formatting` applies it, so tables, figures and text follow
the same rules. The rules are the journals' author instructions as commonly applied:

- ``default``: ``7.6 (3.3–11.9)``, ``34.4%``, ``p = 0.002``, ``p < 0.001`` (three decimals), ``p > 0.99``;
- ``lancet``: the mid-line decimal point (``7·6``), ``p=0·0020`` (two significant figures), ``p<0·0001``,
  ``p>0·99``;
- ``jama`` (AMA Manual of Style): ``P = .002`` (no leading zero; two decimals, three below .01), ``P < .001``,
  ``P > .99``;
- ``nejm``: ``P=0.002`` (two decimals, three below 0.01), ``P<0.001``, ``P>0.99``, CIs written ``3.3 to 11.9``.

No style writes ``p = 1.000``: a p-value that rounds to 1 at the style's precision is written ``> 0.99``, as the
AMA Manual of Style and the journals above ask.

Every style writes a negative number with the minus sign (−), and an interval with a negative limit with "to"
(``−3.7 to 13.6``) so that the minus sign is never read as a dash.

The report makes its style active for the whole build with :func:`use_style` (``oncocohort report --style lancet``);
``DEFAULT_STYLE``, the formatting functions' default argument, stands for the style in force.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass

STYLE_NAMES = ("default", "lancet", "jama", "nejm")


@dataclass(frozen=True)
class Style:
    """How numbers are written for one journal (module docstring)."""

    name: str = "default"
    decimal_mark: str = "."
    ci_separator: str = "–"  # between the limits of an interval with no negative limit
    percent_space: bool = False  # "34.4 %" (True) or "34.4%" (False)
    p_symbol: str = "p"
    p_equals: str = " = "  # between the symbol and the value ("p = 0.002" or "p=0·002")
    p_less: str = " < "
    p_rule: str = "decimals"  # "decimals": fixed decimals; "significant": significant figures (Lancet)
    p_decimals: int = 3  # for "decimals": places shown (JAMA/NEJM: 2, or 3 below 0.01)
    p_extra_below: float | None = None  # below this p, one more decimal (JAMA/NEJM: 0.01)
    p_significant: int = 2  # for "significant"
    p_floor: float = 0.001  # smaller p-values are written "< floor"
    p_ceiling: float = 0.99  # a p-value that rounds to 1 at the style's precision is written "> ceiling"
    p_leading_zero: bool = True
    minus: str = "−"


STYLES = {
    "default": Style(),
    "lancet": Style("lancet", decimal_mark="·", p_equals="=", p_less="<", p_rule="significant", p_floor=0.0001),
    "jama": Style("jama", p_symbol="P", p_decimals=2, p_extra_below=0.01, p_leading_zero=False),
    "nejm": Style("nejm", ci_separator=" to ", p_symbol="P", p_equals="=", p_less="<", p_decimals=2,
                  p_extra_below=0.01),
}


class _ActiveStyle:
    """Stands for the style in force: the default outside :func:`use_style`, the report's journal style inside it.

    Formatting functions take ``style=DEFAULT_STYLE`` as their default argument, so every table, figure and text
    written during a report build follows ``oncocohort report --style`` without each caller passing it along.
    """

    def __getattr__(self, name: str):
        return getattr(active_style(), name)

    def __repr__(self) -> str:
        return f"<active journal style: {active_style().name}>"


DEFAULT_STYLE = _ActiveStyle()
_ACTIVE: contextvars.ContextVar[Style] = contextvars.ContextVar("oncocohort_journal_style", default=STYLES["default"])


def get_style(name: str | None = None) -> Style:
    """The :class:`Style` called ``name`` (None: ``default``); ``ValueError`` naming the choices otherwise."""
    if name is None:
        return STYLES["default"]
    try:
        return STYLES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown journal style {name!r}; choose from {', '.join(STYLE_NAMES)}") from None


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
