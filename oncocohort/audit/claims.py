"""Claims audit: recompute what a manuscript's reported numbers allow and say where they disagree.

A claims file (TOML, see docs/audit.md and examples/seed-paper-claims.toml) lists ``[[claim]]`` tables, each with a
``kind``, where it was reported (``where``) and what (``label``):

- ``sum``: ``parts`` (a table of name = count) should add up to ``total``;
- ``percentage``: ``x`` of ``n`` printed as ``reported`` (%), at the printed number of decimals;
- ``proportion_ci``: ``x`` of ``n`` with ``lower``–``upper`` (%): which CI methods give the printed interval;
- ``grades``: grade columns ``parts`` should add up to ``total`` (a row of an adverse-event table);
- ``consistent``: the same quantity in several places (``values``: place = number) should agree;
- ``median_ci``: a median with ``lower``–``upper``: a symmetric interval points to median ± z·SE (SPSS), which
  R/SAS/Stata do not print.

Rounding: a printed value agrees when it equals x/n rounded half-up or half-to-even (an exact tie such as 6.25 may
go either way; both are accepted). Nothing in the file is executed; every key is checked.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

from ..stats.proportions import CI_METHOD_NAMES, proportion_ci

KINDS = ("sum", "percentage", "proportion_ci", "grades", "consistent", "median_ci")
REQUIRED = {"sum": ("parts", "total"), "percentage": ("x", "n", "reported"),
            "proportion_ci": ("x", "n", "lower", "upper"), "grades": ("parts", "total"),
            "consistent": ("values",), "median_ci": ("estimate", "lower", "upper")}


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


def _check(i: int, claim: dict) -> Finding:
    kind, where = claim["kind"], claim.get("where", "")
    label = claim.get("label", f"claim {i}")
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
        for method in CI_METHOD_NAMES:
            e = proportion_ci(x, n, method, level)
            lo, hi = _roundings(Fraction(100 * e.lower), decimals), _roundings(Fraction(100 * e.upper), decimals)
            computed.append(f"{CI_METHOD_NAMES[method]} {min(lo)}–{min(hi)}")
            if _fmt(lower, decimals) in lo and _fmt(upper, decimals) in hi:
                matches.append(CI_METHOD_NAMES[method])
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
        for key in ("x", "n", "total"):
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
