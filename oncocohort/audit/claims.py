"""Claims audit: recompute what a manuscript's reported numbers allow and say where they disagree.

A claims file (TOML, see docs/audit.md and examples/seed-paper-claims.toml) lists ``[[claim]]`` tables, each with a
``kind``, where it was reported (``where``) and what (``label``):

- ``sum``: ``parts`` (a table of name = count) should add up to ``total``;
- ``percentage``: ``x`` of ``n`` printed as ``reported`` (%), at the printed number of decimals;
- ``proportion_ci``: ``x`` of ``n`` with ``lower``–``upper`` (%): which CI methods give the printed interval;
- ``grades``: grade columns ``parts`` should add up to ``total`` (a row of an adverse-event table);
- ``consistent``: the same quantity in several places (``values``: place = number) should agree;
- ``median_ci``: a median with ``lower``–``upper``: a symmetric interval points to median ± z·SE (SPSS), which
  R/SAS/Stata do not print;
- ``hazard_ratio``: ``hr`` with ``lower``–``upper`` and optionally ``p`` (or ``p_below`` for "p < 0.001"): a Wald
  CI is symmetric on the log scale, so log HR is the midpoint of the log limits (HR = √(lower·upper)), SE =
  (log upper − log lower)/(2·z) and p = 2Φ(−|log HR|/SE). Every printed number stands for an interval of ± half a
  unit in its last decimal; the HR is flagged when no rounding of the limits puts it at the geometric midpoint, and
  p when no rounding of HR and limits gives a p that rounds to the printed one (the range of p is shown);
- ``median_maturity``: a median reported with ``events`` of ``n`` patients: fewer than 50 % events is noted (the
  median then rests on few patients at risk and can move with more follow-up).

``proportion_ci`` also tries the Wald interval (p ± z·√(p(1 − p)/n), clipped to 0–100 %).

Rounding: a printed value agrees when it equals x/n rounded half-up or half-to-even (an exact tie such as 6.25 may
go either way; both are accepted). Nothing in the file is executed; every key is checked.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from statistics import NormalDist

from ..stats.proportions import CI_METHOD_NAMES, proportion_ci

KINDS = ("sum", "percentage", "proportion_ci", "grades", "consistent", "median_ci", "hazard_ratio",
         "median_maturity")
REQUIRED = {"sum": ("parts", "total"), "percentage": ("x", "n", "reported"),
            "proportion_ci": ("x", "n", "lower", "upper"), "grades": ("parts", "total"),
            "consistent": ("values",), "median_ci": ("estimate", "lower", "upper"),
            "hazard_ratio": ("hr", "lower", "upper"), "median_maturity": ("events", "n")}


@dataclass(frozen=True)
class Finding:
    """One claim's verdict: ``ok``, ``mismatch`` or ``note`` (a remark, not an error), in words."""

    claim: str
    where: str
    status: str
    message: str


class ClaimsFileError(Exception):
    """The claims file cannot be read; the message lists every problem with its claim number."""


def _decimals(value) -> int:
    text = repr(float(value)) if not isinstance(value, str) else value
    return len(text.split(".")[1]) if "." in text and not text.endswith(".0") else 0


def _roundings(fraction: Fraction, decimals: int) -> set[str]:
    exact = Decimal(fraction.numerator) / Decimal(fraction.denominator)
    quantum = Decimal(1).scaleb(-decimals)
    return {str(exact.quantize(quantum, rounding=mode)) for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN)}


def _fmt(value, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _wald_proportion(x: int, n: int, level: float) -> tuple[float, float]:
    """Wald interval p ± z·√(p(1 − p)/n), clipped to 0–1. Hand-written (one line): the stats module does not offer
    it because it should not be used, but manuscripts (SPSS, Excel) print it."""
    p, z = x / n, NormalDist().inv_cdf(1 - (1 - level) / 2)
    half = z * math.sqrt(p * (1 - p) / n)
    return max(0.0, p - half), min(1.0, p + half)


def _printed_range(value: float, decimals: int) -> tuple[float, float]:
    """The values a number printed with ``decimals`` decimals may stand for: ± half a unit in the last place."""
    half = 0.5 * 10 ** -decimals
    return value - half, value + half


def _wald_p(abs_log_hr: float, se: float) -> float:
    return 2 * NormalDist().cdf(-abs_log_hr / se)


def _abs_log_range(low: float, high: float) -> tuple[float, float]:
    """Smallest and largest |log x| for x in [low, high] (low > 0)."""
    ends = (abs(math.log(low)), abs(math.log(high)))
    return (0.0 if low <= 1 <= high else min(ends)), max(ends)


def _hazard_ratio(label: str, where: str, claim: dict) -> Finding:
    """HR, Wald CI and p checked against each other at the printed rounding (module docstring)."""
    hr, lower, upper = claim["hr"], claim["lower"], claim["upper"]
    level = claim.get("conf_level", 0.95)
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    # TOML reads 0.50 as 0.5: HR and limits are taken at the most decimals any of them shows (``decimals`` to say)
    d_hr = d_ci = claim.get("decimals", max(_decimals(hr), _decimals(lower), _decimals(upper)))
    printed = f"HR {_fmt(hr, d_hr)} ({_fmt(lower, d_ci)}–{_fmt(upper, d_ci)})"
    if not 0 < lower <= hr <= upper:
        return Finding(label, where, "mismatch", f"{printed}: the HR lies outside its interval (or a limit is ≤ 0)")
    hr_low, hr_high = _printed_range(hr, d_hr)
    l_low, l_high = _printed_range(lower, d_ci)
    u_low, u_high = _printed_range(upper, d_ci)
    l_low = max(l_low, 10 ** -(d_ci + 3))  # a limit printed as 0.00 is still > 0
    middle = math.sqrt(lower * upper)
    mid_low, mid_high = math.sqrt(l_low * u_low), math.sqrt(l_high * u_high)
    problems, remarks = [], []
    if hr_high < mid_low or hr_low > mid_high:
        problems.append(f"the HR is not at the geometric midpoint of its CI: a Wald CI is symmetric on the log scale, "
                        f"so HR = √({_fmt(lower, d_ci)}×{_fmt(upper, d_ci)}) = {middle:.3f} ({mid_low:.3f}–"
                        f"{mid_high:.3f} allowing for rounding)")
    else:
        remarks.append(f"HR at the geometric midpoint of its CI ({middle:.3f})")
    se = (math.log(upper) - math.log(lower)) / (2 * z)
    se_low = (math.log(u_low) - math.log(l_high)) / (2 * z)
    se_high = (math.log(u_high) - math.log(l_low)) / (2 * z)
    # p from the printed HR with the CI's SE, and p from the CI alone (its midpoint), each over every rounding
    readings = []
    for name, centre, (a_low, a_high) in (("from the HR and the CI's SE", hr, _abs_log_range(hr_low, hr_high)),
                                          ("from the CI alone", middle, _abs_log_range(mid_low, mid_high))):
        readings.append((name, _wald_p(abs(math.log(centre)), se), _wald_p(a_high, max(se_low, 1e-12)),
                         _wald_p(a_low, se_high)))
    if "p" in claim or "p_below" in claim:
        if "p" in claim:
            p = claim["p"]
            d_p = claim.get("p_decimals", _decimals(p))
            p_low, p_high = _printed_range(p, d_p)
            shown = f"p = {_fmt(p, d_p)}"
        else:
            p_low, p_high, shown = 0.0, claim["p_below"], f"p < {claim['p_below']}"
        fits = [name for name, _, low, high in readings if high >= p_low and low <= p_high]
        implied = "; ".join(f"{name}: p = {centre:.3f} ({low:.3f}–{high:.3f} allowing for rounding)"
                            for name, centre, low, high in readings)
        if not fits:
            problems.append(f"{shown} cannot belong to this CI: a Wald test with SE = (log {_fmt(upper, d_ci)} − log "
                            f"{_fmt(lower, d_ci)})/(2×{z:.2f}) = {se:.3f} gives {implied}")
        else:
            remarks.append(f"{shown} fits a Wald test {' and '.join(fits)} (SE {se:.3f})")
    if problems:
        return Finding(label, where, "mismatch", f"{printed}: " + "; ".join(problems + remarks))
    return Finding(label, where, "ok", f"{printed}: " + "; ".join(remarks))


def _check(i: int, claim: dict) -> Finding:
    kind, where = claim["kind"], claim.get("where", "")
    label = claim.get("label", f"claim {i}")
    if kind == "hazard_ratio":
        return _hazard_ratio(label, where, claim)
    if kind == "median_maturity":
        events, n = claim["events"], claim["n"]
        maturity = f"{events}/{n} events ({_fmt(100 * events / n, 1)}%)" if n else f"{events}/{n} events"
        estimate = f"median {claim['estimate']} with " if "estimate" in claim else "a median with "
        if n and 2 * events >= n:
            return Finding(label, where, "ok", f"{estimate}{maturity}: at least half the patients had the event")
        return Finding(label, where, "note", f"{estimate}{maturity}: fewer than 50 % events — the median rests on "
                       "few patients at risk and may move with longer follow-up; report maturity next to it")
    if kind in ("sum", "grades"):
        parts, total = claim["parts"], claim["total"]
        added = sum(parts.values())
        terms = " + ".join(f"{v} ({k})" for k, v in parts.items())
        if added == total:
            return Finding(label, where, "ok", f"{terms} = {total}")
        return Finding(label, where, "mismatch", f"{terms} = {added}, not the stated {total}")
    if kind == "percentage":
        x, n, reported = claim["x"], claim["n"], claim["reported"]
        decimals = claim.get("decimals", _decimals(reported))
        expected = _roundings(Fraction(100 * x, n), decimals)
        printed = _fmt(reported, decimals)
        if printed in expected:
            tie = f" (an exact tie, {' or '.join(sorted(expected))} by the rounding rule)" if len(expected) > 1 else ""
            return Finding(label, where, "ok", f"{x}/{n} = {printed}%{tie}")
        closest = round(reported * n / 100)
        hint = (f"; {printed}% would be {closest}/{n} ({_fmt(100 * closest / n, decimals)}%)"
                if closest != x and 0 <= closest <= n else "")
        return Finding(label, where, "mismatch", f"printed {printed}%, but {x}/{n} = {' or '.join(sorted(expected))}%"
                       + hint)
    if kind == "proportion_ci":
        x, n = claim["x"], claim["n"]
        lower, upper = claim["lower"], claim["upper"]
        decimals = claim.get("decimals", max(_decimals(lower), _decimals(upper)))
        level = claim.get("conf_level", 0.95)
        matches, computed = [], []
        intervals = [(name, proportion_ci(x, n, method, level)) for method, name in CI_METHOD_NAMES.items()]
        intervals = [(name, (e.lower, e.upper)) for name, e in intervals] + \
            [("Wald (normal approximation)", _wald_proportion(x, n, level))]
        for name, (e_lower, e_upper) in intervals:
            lo, hi = _roundings(Fraction(100 * e_lower), decimals), _roundings(Fraction(100 * e_upper), decimals)
            computed.append(f"{name} {min(lo)}–{min(hi)}")
            if _fmt(lower, decimals) in lo and _fmt(upper, decimals) in hi:
                matches.append(name)
        if matches:
            return Finding(label, where, "ok", f"{x}/{n}: {_fmt(lower, decimals)}–{_fmt(upper, decimals)}% matches "
                           + ", ".join(matches))
        return Finding(label, where, "mismatch", f"{x}/{n}: {_fmt(lower, decimals)}–{_fmt(upper, decimals)}% matches "
                       "no standard method (" + "; ".join(computed) + ")")
    if kind == "consistent":
        values = claim["values"]
        if len(set(values.values())) == 1:
            return Finding(label, where, "ok", "the same everywhere: " + ", ".join(f"{k} {v}" for k, v in
                                                                                     values.items()))
        return Finding(label, where, "mismatch", "reported differently: " + "; ".join(f"{k}: {v}" for k, v in
                                                                                     values.items()))
    # median_ci
    estimate, lower, upper = claim["estimate"], claim["lower"], claim["upper"]
    decimals = max(_decimals(lower), _decimals(upper), _decimals(estimate))
    tolerance = 10 ** -decimals * 1.01 + 0.05
    if not lower <= estimate <= upper:
        return Finding(label, where, "mismatch", f"the median {estimate} lies outside its interval {lower}–{upper}")
    if abs((upper - estimate) - (estimate - lower)) <= tolerance:
        return Finding(label, where, "note", f"{estimate} ({lower}–{upper}) is symmetric about the median: median ± "
                       "z·SE as SPSS prints it; R survival, SAS and Stata give the asymmetric Brookmeyer–Crowley "
                       "interval from the survival curve — the methods section should say which")
    return Finding(label, where, "ok", f"{estimate} ({lower}–{upper}) is asymmetric, as from the survival curve")


def read_claims(path) -> list[dict]:
    """The claims of a TOML file, every key checked; raises ClaimsFileError listing all problems."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ClaimsFileError(f"{path}: cannot be read as TOML: {error}") from None
    claims = data.get("claim", [])
    problems = []
    if not isinstance(claims, list) or not claims:
        problems.append(f"{path}: no [[claim]] tables")
        claims = []
    for i, claim in enumerate(claims, start=1):
        kind = claim.get("kind")
        if kind not in KINDS:
            problems.append(f"{path}, claim {i}: kind {kind!r} is not one of {', '.join(KINDS)}")
            continue
        for key in REQUIRED[kind]:
            if key not in claim:
                problems.append(f"{path}, claim {i} ({kind}): '{key}' is missing")
        for key in ("parts", "values"):
            if key in claim and not (isinstance(claim[key], dict) and all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in claim[key].values())):
                problems.append(f"{path}, claim {i}: '{key}' must be a table of names = numbers")
        for key in ("hr", "lower", "upper", "p", "p_below", "estimate"):
            if key in claim and (not isinstance(claim[key], (int, float)) or isinstance(claim[key], bool)):
                problems.append(f"{path}, claim {i}: '{key}' must be a number")
        if kind == "hazard_ratio":
            for key in ("hr", "lower", "upper"):
                if isinstance(claim.get(key), (int, float)) and claim[key] <= 0:
                    problems.append(f"{path}, claim {i}: '{key}' must be above 0 (a hazard ratio)")
            for key in ("p", "p_below"):
                if isinstance(claim.get(key), (int, float)) and not 0 < claim[key] <= 1:
                    problems.append(f"{path}, claim {i}: '{key}' must be a p-value, above 0 and at most 1")
        for key in ("x", "n", "total", "events"):
            if key in claim and (not isinstance(claim[key], int) or isinstance(claim[key], bool) or claim[key] < 0):
                problems.append(f"{path}, claim {i}: '{key}' must be a whole number ≥ 0")
        if isinstance(claim.get("x"), int) and isinstance(claim.get("n"), int) and not 0 <= claim["x"] <= claim["n"]:
            problems.append(f"{path}, claim {i}: x = {claim['x']} must lie between 0 and n = {claim['n']}")
    if problems:
        raise ClaimsFileError("\n".join(problems))
    return claims


def audit_claims(path) -> list[Finding]:
    """Check every claim of the file (module docstring)."""
    return [_check(i, claim) for i, claim in enumerate(read_claims(path), start=1)]
