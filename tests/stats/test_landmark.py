"""Landmark analysis against R on survival::jasa (transplant by day L, survival from L), plus a hand case."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.kaplan_meier import landmarks
from oncocohort.stats.landmark import landmark_analysis

from .reference import close

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "landmark_reference.json").read_text())["landmark"]
JASA = pd.read_csv(REF / "jasa_landmark.csv")


@pytest.mark.parametrize("key", ["jasa_30", "jasa_60"])
def test_equals_r_on_jasa(key):
    r = R[key]
    result = landmark_analysis(JASA["futime"], JASA["fustat"], JASA["wait"], r["landmark"],
                               ("not transplanted", "transplanted"))
    assert result.n == r["n"]
    assert result.excluded_event + result.excluded_censored == r["excluded"]
    assert [c.n for c in result.curves] == r["n_group"]
    close([landmarks(c, [365])[0].surv for c in result.curves], r["surv_365"])
    close([result.logrank.chisq, result.logrank.p_value], [r["logrank_chisq"], r["logrank_p"]])
    t = result.cox.terms[0]
    close([t.hr, t.lower, t.upper], [r["hr"], r["hr_lower"], r["hr_upper"]])


def test_by_hand():
    # landmark 3: patient 1 (died at 2) and patient 2 (censored at 3) left out; patient 3 responded at 5 > 3,
    # so is a non-responder at the landmark (no immortal time credited); times counted from 3
    result = landmark_analysis([2, 3, 10, 8, 6], [1, 0, 1, 0, 1], [1, np.nan, 5, 2, np.nan], 3,
                               ("non-responder", "responder"))
    assert (result.n, result.excluded_event, result.excluded_censored) == (3, 1, 1)
    non, responder = result.curves
    assert list(non.time) == [3.0, 7.0] and list(non.n_event) == [1, 1]
    assert list(responder.time) == [5.0] and responder.n_event.sum() == 0
    frame = result.to_frame()
    assert list(frame["term"][:2]) == ["n[non-responder]", "n[responder]"]
