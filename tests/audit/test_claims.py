"""Claims audit: the seed paper's known inconsistencies are found; hand cases for each kind; bad files refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncocohort.audit.claims import ClaimsFileError, audit_claims
from oncocohort.cli import main

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-paper-claims.toml"


def _by_label(findings):
    return {f.claim: f for f in findings}


def test_seed_paper_inconsistencies_are_found():
    found = _by_label(audit_claims(SEED))
    assert "= 33, not the stated 32" in found["Best overall response (PR + SD + PD) adds up to the 32 patients"].message
    orr = found["ORR 11/32 quoted in the Discussion"]
    assert orr.status == "mismatch" and "11/32 = 34.4%" in orr.message and "12/32" in orr.message
    dermal = found["Dermal toxicity grade 1–2, 9/32"]
    assert dermal.status == "mismatch" and "28.1%" in dermal.message
    assert found["Patients with progressive disease as best response"].status == "mismatch"
    assert "Clopper–Pearson" in found["ORR 95% CI"].message
    assert found["Median PFS 7.6 months (95% CI)"].status == "note"
    assert found["Hand-foot syndrome grade 3–4, 2/32"].status == "ok"  # 6.25 %: an exact tie, 6.2 accepted


def test_hand_cases(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('''
[[claim]]
kind = "proportion_ci"
label = "wilson"
x = 1
n = 10
lower = 1.8
upper = 40.4

[[claim]]
kind = "median_ci"
label = "asym"
estimate = 7.6
lower = 5.0
upper = 14.1
''')
    found = _by_label(audit_claims(path))
    assert found["wilson"].status == "ok" and "Wilson score" in found["wilson"].message  # 1/10: 1.8–40.4 %
    assert found["asym"].status == "ok"


def test_bad_file_lists_every_problem(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('[[claim]]\nkind = "percent"\n\n[[claim]]\nkind = "percentage"\nx = 40\nn = 32\n')
    with pytest.raises(ClaimsFileError) as error:
        audit_claims(path)
    text = str(error.value)
    assert "claim 1: kind 'percent'" in text and "'reported' is missing" in text and "x = 40" in text
    assert main(["audit", str(path)]) == 1
    assert main(["audit", str(SEED)]) == 1  # mismatches found → non-zero, like a linter
    assert "MISMATCH" in capsys.readouterr().out
