"""How numbers are written in tables, figures and text — one place, so a number reads the same everywhere.

- counts with percentages: ``11 (34.4)``, one decimal, percentage of the stated n;
- percentages in text: ``34.4%`` (one percent style per journal style: no space, or a space for ``percent_space``);
- estimates with confidence intervals: ``7.6 (3.3–11.9)``; an unreachable or inestimable value is ``NR``/``NE``;
  an interval with a negative limit is written with "to" (``−3.7 to 13.6``) so the minus is not read as a dash;
- p-values: three decimals, ``< 0.001`` below that and ``> 0.99`` for one that rounds to 1 (as journals ask), or
  the journal style's rule;
- a measured value or count summary (median, range) as results.json holds it, to three significant digits: whole
  numbers without decimals (``48``), a median of counts between two counts as it is (``9.5``, never rounded to
  ``10``), small values not flattened to zero (``0.85``).
- counts in words: ``1 patient``, ``2 patients``, ``no complete responses``;
- a count not published (small-cell suppression, :mod:`oncocohort.engine.suppression`): ``<5`` or ``*``, its
  percentage ``—`` (``<5 (—)``), in words ``fewer than 5 patients``.

Table cells holding a count are :class:`CountText` (a ``str`` that remembers the count and the n of its percentage)
and cells holding a proportion's CI are :class:`PercentText`, so a publication rule
(:mod:`oncocohort.report.disclosure`) can find them in any table without parsing its text.

Every function takes a :class:`~oncocohort.present.journal_style.Style` (default: :data:`DEFAULT_STYLE`), which
sets the decimal mark (the Lancet's mid-line ``·``), the CI separator, percent spacing and the p-value rule.
"""

from __future__ import annotations

import math

from .journal_style import DEFAULT_STYLE, Style

NOT_REACHED = "NR"
NOT_ESTIMABLE = "NE"


HIDDEN_PERCENT = "—"  # the percentage (or CI) of a count that is not shown


class CountText(str):
    """A table cell writing a count of patients (``11`` or ``11 (34.4)``): the text, plus ``count`` and ``of`` (the n
    of its percentage, None without one). Behaves as the plain text everywhere else."""

    count: int
    of: int | None

    def __new__(cls, text: str, count: int, of: int | None = None):
        cell = super().__new__(cls, text)
        cell.count, cell.of = count, of
        return cell

    def __reduce__(self):
        return CountText, (str(self), self.count, self.of)


class PercentText(str):
    """A table cell writing a proportion's confidence interval in percent: it gives its row's count back (an exact
    CI identifies x of n), so it is hidden with that count."""

    def __reduce__(self):
        return PercentText, (str(self),)


def _hidden(value) -> bool:
    from ..engine.suppression import is_suppressed  # a marker class only (no engine query is loaded)

    return is_suppressed(value)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _styled(text: str, style: Style) -> str:
    """A number written by Python's format (``-3.7``) in the style's minus sign and decimal mark."""
    return text.replace("-", style.minus).replace(".", style.decimal_mark)


def number(value: float | None, digits: int = 1, missing: str = NOT_ESTIMABLE, style: Style = DEFAULT_STYLE) -> str:
    """``value`` with ``digits`` decimals (``missing`` for None/NaN/inf); −0.0 is written 0.0."""
    if _missing(value):
        return missing
    text = f"{value:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return _styled(text, style)


def general(value: float, style: Style = DEFAULT_STYLE) -> str:
    """A number as written by ``%g`` (``12``, ``0.13``), in the style's decimal mark — for settings such as a
    landmark time or a dose."""
    return _styled(f"{value:g}", style)


def percent_sign(style: Style = DEFAULT_STYLE) -> str:
    """The percent sign as the style writes it after a number: ``%`` or `` %``."""
    return " %" if style.percent_space else "%"


def count(x: int) -> str:
    """A count in a table cell: ``11`` (a :class:`CountText`); a suppressed count as it prints (``<5``, ``*``)."""
    return str(x) if _hidden(x) else CountText(str(x), int(x))


def count_of(x: int, n: int) -> str:
    """``8/12``: a count of ``n`` patients (events/patients), a :class:`CountText` of ``x``."""
    return f"{x}/{n}" if _hidden(x) else CountText(f"{x}/{n}", int(x))


def count_percent(x: int, n: int, style: Style = DEFAULT_STYLE) -> str:
    """``11 (34.4)``: a count and its percentage of ``n`` (the count alone when n is 0), a :class:`CountText`;
    a suppressed count ``<5 (—)``."""
    if _hidden(x):
        return f"{x} ({HIDDEN_PERCENT})"
    return CountText(f"{x} ({number(100 * x / n, 1, style=style)})", int(x), int(n)) if n else count(x)


def measured(value: float | None, missing: str = NOT_ESTIMABLE, style: Style = DEFAULT_STYLE) -> str:
    """A summary of measured values or counts (median, minimum, maximum): whole numbers as they are, others to
    three significant digits with at least one decimal, without trailing zeros and never in exponent form."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return missing
    if float(value).is_integer():
        return _styled(f"{value:.0f}", style)
    decimals = max(1, 2 - math.floor(math.log10(abs(value))))
    return _styled(f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals > 1 else f"{value:.1f}", style)


def interval(lower: float | None, upper: float | None, digits: int = 1, missing: str = NOT_ESTIMABLE,
             scale: float = 1.0, style: Style = DEFAULT_STYLE) -> str:
    """``lower–upper``, each multiplied by ``scale`` (100 for a proportion's CI in percent); ``lower to upper``
    when a limit is negative."""
    low, high = _scaled(lower, scale), _scaled(upper, scale)
    negative = any(not _missing(v) and float(f"{v:.{digits}f}") < 0 for v in (low, high))
    separator = " to " if negative else style.ci_separator
    return f"{number(low, digits, missing, style)}{separator}{number(high, digits, missing, style)}"


def _scaled(value: float | None, scale: float) -> float | None:
    return None if value is None else scale * value


def percent(proportion: float | None, digits: int = 1, style: Style = DEFAULT_STYLE) -> str:
    """A proportion (0–1) in percent without the sign: ``34.4``; ``NE`` when missing."""
    return number(_scaled(proportion, 100), digits, style=style)


def percent_text(proportion: float | None, digits: int = 1, style: Style = DEFAULT_STYLE) -> str:
    """A proportion (0–1) in percent with the sign as the style writes it: ``34.4%``."""
    text = percent(proportion, digits, style)
    return text if text == NOT_ESTIMABLE else text + percent_sign(style)


def estimate_ci(estimate, lower, upper, digits: int = 1, missing: str = NOT_REACHED,
                style: Style = DEFAULT_STYLE) -> str:
    """``7.6 (3.3–11.9)``; a missing estimate (median not reached) is ``NR``, a missing limit ``NE``."""
    return f"{number(estimate, digits, missing, style)} ({interval(lower, upper, digits, style=style)})"


def _p_digits(p: float, style: Style) -> int:
    if style.p_rule == "significant":
        return max(style.p_significant - 1 - math.floor(math.log10(p)), 1)
    if style.p_extra_below is not None and p < style.p_extra_below:
        return style.p_decimals + 1
    return style.p_decimals


def _p_parts(p: float | None, style: Style) -> tuple[str, str] | None:
    """(relation, value) of a p-value: ("=", "0.002"), ("<", "0.001"), (">", "0.99")."""
    if _missing(p):
        return None
    if p < style.p_floor:
        relation, text = "<", f"{style.p_floor:.{-math.floor(math.log10(style.p_floor))}f}"
    else:
        digits = _p_digits(p, style)
        text = f"{p:.{digits}f}"
        if p < 0.05 <= float(text):  # never rounded up to the 0.05 threshold: one more decimal
            text = f"{p:.{digits + 1}f}"
        relation = "="
        if float(text) >= 1:  # never "p = 1.000": a p-value that rounds to 1 is "p > 0.99" in every style
            relation, text = ">", f"{style.p_ceiling:.2f}"
    if not style.p_leading_zero and text.startswith("0."):
        text = text[1:]
    return relation, _styled(text, style)


def p_value(p: float | None, style: Style = DEFAULT_STYLE) -> str:
    """A p-value for a table cell: ``0.002``, ``< 0.001``, ``> 0.99`` (``NE`` when missing)."""
    parts = _p_parts(p, style)
    if parts is None:
        return NOT_ESTIMABLE
    relation, text = parts
    return text if relation == "=" else style.p_less.lstrip().replace("<", relation) + text


def p_text(p: float | None, style: Style = DEFAULT_STYLE) -> str:
    """A p-value in a sentence: ``p = 0.002``, ``p < 0.001``, ``p > 0.99``, ``p=0·0020`` (Lancet), ``P = .002``
    (JAMA), ``P > .99`` (JAMA), ``P>0.99`` (NEJM)."""
    parts = _p_parts(p, style)
    if parts is None:
        return f"{style.p_symbol} not estimable"
    relation, text = parts
    joiner = style.p_equals if relation == "=" else style.p_less.replace("<", relation)
    return f"{style.p_symbol}{joiner}{text}"


REFERENCE_HR = "1 (reference)"  # the reference level's hazard ratio, in tables and forest plots alike


def statistic_text(symbol: str, value: float, digits: int = 2, style: Style = DEFAULT_STYLE) -> str:
    """A test statistic in a sentence, spaced as the style spaces its p-value: ``χ²(1) = 0.76`` (``χ²(1)=0·76``
    in the Lancet's style, beside its ``p=0·38``)."""
    return f"{symbol}{style.p_equals}{number(value, digits, style=style)}"


def percent_ci(lower: float, upper: float, style: Style = DEFAULT_STYLE) -> str:
    """A proportion's CI in percent: ``18.6–53.2`` (a :class:`PercentText`)."""
    return PercentText(interval(lower, upper, scale=100, style=style))


def plural(n: int, singular: str, plural_form: str | None = None, zero: str = "no") -> str:
    """A count with its noun in agreement: ``1 patient``, ``3 patients``, ``no patients`` (``zero`` = None writes
    ``0 patients``). ``plural_form`` for irregular nouns (``stable disease`` stays the same)."""
    many = plural_form if plural_form is not None else singular + "s"
    if _hidden(n):  # small-cell suppression: the count is not written
        return f"fewer than {n.minimum} {many}" if n.reason == "small" else f"a number of {many} not shown"
    if n == 0 and zero is not None:
        return f"{zero} {many}"
    return f"{n} {singular if n == 1 else many}"
