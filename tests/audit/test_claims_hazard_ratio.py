"""Claims audit, hazard ratios: HR vs the geometric midpoint of its Wald CI and p vs the CI at the printed rounding;
medians against maturity; a proportion CI from the Wald formula. Hand-derived cases (numbers worked out in the
comments)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncocohort.audit.claims import ClaimsFileError, audit_claims

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-paper-claims.toml"


def _audit(tmp_path, body: str):
    path = tmp_path / "claims.toml"
    path.write_text(body, encoding="utf-8")
    return {f.claim: f for f in audit_claims(path)}


def _hr(label, hr, lower, upper, extra=""):
    return (f'[[claim]]\nkind = "hazard_ratio"\nlabel = "{label}"\nhr = {hr}\nlower = {lower}\n'
            f'upper = {upper}\n{extra}\n')


def test_consistent_triple_passes(tmp_path):
    # HR 0.50, CI 0.31–0.82: √(0.31·0.82) = 0.504; SE = (ln 0.82 − ln 0.31)/3.92 = 0.2482;
    # z = 0.6931/0.2482 = 2.793, p = 2Φ(−2.793) = 0.0052 → printed 0.005
    found = _audit(tmp_path, _hr("a", "0.50", "0.31", "0.82", "p = 0.005"))
    assert found["a"].status == "ok" and "0.504" in found["a"].message and "SE 0.248" in found["a"].message


def test_seed_table_2_ecog_row_is_flagged():
    # √(0.31·0.93) = 0.537 ≠ 0.61; p from HR with SE 0.280: 2Φ(−0.4943/0.2803) = 0.078; from the CI alone:
    # 2Φ(−0.6219/0.2803) = 0.026 — neither is 0.042 at any rounding
    finding = {f.claim: f for f in audit_claims(SEED)}[
        "Multivariable Cox: ECOG 0–1 vs 2, HR 0.61 (0.31–0.93), P = 0.042"]
    assert finding.status == "mismatch"
    assert "= 0.537" in finding.message and "p = 0.042 cannot belong" in finding.message
    assert "p = 0.078" in finding.message and "p = 0.026" in finding.message


def test_seed_table_2_all_three_hrs_off_the_midpoint():
    found = [f for f in audit_claims(SEED) if f.claim.startswith("Multivariable Cox")]
    assert len(found) == 3 and all(f.status == "mismatch" and "geometric midpoint" in f.message for f in found)
    assert "cannot belong" not in found[2].message  # subtype row: p = 0.028 fits the CI (p from the HR: 0.024)


def test_rounding_edges_of_the_midpoint(tmp_path):
    # limits 0.31 and 0.93 stand for [0.305, 0.315] and [0.925, 0.935]: the midpoint lies in 0.531–0.543;
    # HR 0.54 ([0.535, 0.545]) overlaps it, HR 0.55 ([0.545, 0.555]) does not
    found = _audit(tmp_path, _hr("near", "0.54", "0.31", "0.93") + _hr("off", "0.55", "0.31", "0.93"))
    assert found["near"].status == "ok"
    assert found["off"].status == "mismatch" and "0.531–0.543" in found["off"].message


def test_rounding_edges_of_p(tmp_path):
    # HR 0.54 (0.31–0.93): p from the HR 0.028 (0.023–0.034 over every rounding), from the CI alone 0.026
    # (0.021–0.032); printed 0.03 (2 decimals) or 0.021 fits, 0.019 and 0.06 do not
    found = _audit(tmp_path, _hr("p2", "0.54", "0.31", "0.93", "p = 0.03") + _hr("p3", "0.54", "0.31", "0.93",
                   "p = 0.021") + _hr("low", "0.54", "0.31", "0.93", "p = 0.019")
                   + _hr("high", "0.54", "0.31", "0.93", "p = 0.06"))
    assert found["p2"].status == "ok" and found["p3"].status == "ok"
    assert found["low"].status == "mismatch" and "p = 0.019 cannot belong" in found["low"].message
    assert found["high"].status == "mismatch" and "(0.023–0.034 allowing for rounding)" in found["high"].message


def test_p_below_and_hr_outside_ci(tmp_path):
    # HR 0.30 (0.20–0.45): SE 0.207, z = 1.204/0.207 = 5.8 → p ≈ 6e-9 < 0.001; HR 0.90 (0.60–1.35) p = 0.61
    found = _audit(tmp_path, _hr("tiny", "0.30", "0.20", "0.45", "p_below = 0.001")
                   + _hr("null", "0.90", "0.60", "1.35", "p_below = 0.001") + _hr("outside", "1.50", "0.60", "1.35"))
    assert found["tiny"].status == "ok"
    assert found["null"].status == "mismatch" and "p = 0.611" in found["null"].message
    assert found["outside"].status == "mismatch" and "outside its interval" in found["outside"].message


def test_median_maturity(tmp_path):
    found = _audit(tmp_path, '[[claim]]\nkind = "median_maturity"\nlabel = "immature"\nestimate = 20.1\nevents = 10\n'
                   'n = 32\n\n[[claim]]\nkind = "median_maturity"\nlabel = "half"\nevents = 16\nn = 32\n')
    assert found["immature"].status == "note" and "10/32 events (31.2%)" in found["immature"].message
    assert found["half"].status == "ok"  # exactly 50 %
    seed = {f.claim: f for f in audit_claims(SEED)}
    assert seed["Median PFS 7.6 months with 24 events in 32 patients"].status == "ok"


def test_wald_proportion_ci_recognised(tmp_path):
    # 5/20: 0.25 ± 1.96·√(0.25·0.75/20) = 0.25 ± 0.1898 → 6.0–44.0 %; Clopper–Pearson gives 8.7–49.1 %
    found = _audit(tmp_path, '[[claim]]\nkind = "proportion_ci"\nlabel = "wald"\nx = 5\nn = 20\nlower = 6.0\n'
                   'upper = 44.0\ndecimals = 1\n\n[[claim]]\nkind = "proportion_ci"\nlabel = "none"\nx = 5\n'
                   'n = 20\nlower = 7.0\nupper = 44.0\ndecimals = 1\n')
    assert found["wald"].status == "ok" and found["wald"].message.endswith("Wald (normal approximation)")
    assert found["none"].status == "mismatch" and "matches no standard method" in found["none"].message


def test_bad_hazard_ratio_claims_listed(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(_hr("neg", "-0.5", "0.3", "0.9") + _hr("p", "0.5", "0.3", "0.9", "p = 1.5")
                    + '[[claim]]\nkind = "hazard_ratio"\nhr = "0.5"\nlower = 0.3\n', encoding="utf-8")
    with pytest.raises(ClaimsFileError) as error:
        audit_claims(path)
    text = str(error.value)
    assert "claim 1: 'hr' must be above 0" in text and "claim 2: 'p' must be a p-value" in text
    assert "claim 3: 'hr' must be a number" in text and "claim 3 (hazard_ratio): 'upper' is missing" in text
