"""Rubin's rules against R mice::pool on the same imputed data sets (exported from R), plus a hand case."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocohort.stats.multiple_imputation import impute_chained, pool_rubin, pooled_cox

from .reference import close

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "mice_reference.json").read_text())
IMPUTED = pd.read_csv(REF / "lung_mice_imputations.csv")


def test_pooled_cox_equals_mice_pool():
    sets = [rows.drop(columns="imp") for _, rows in IMPUTED.groupby("imp")]
    pooled = pooled_cox(sets, "time", "status", ["age", "sex", "ph_karno", "wt_loss"])
    frame = pooled.to_frame()
    assert list(frame["term"]) == R["term"] and pooled.m == R["m"]
    for column in ["estimate", "ubar", "b", "t", "dfcom", "df", "riv", "lambda", "fmi", "std_error", "statistic",
                   "p_value", "conf_low", "conf_high"]:
        close(frame[column], R[column])


def test_rubin_by_hand():
    # two imputations: estimates 1 and 3 (mean 2, B = 2), variances 1 and 1 (Ū = 1): T = 1 + 1.5·2 = 4
    pooled = pool_rubin([[1.0], [3.0]], [[1.0], [1.0]], ["x"])
    term = pooled.terms[0]
    assert (term.estimate, term.ubar, term.b, term.t) == (2.0, 1.0, 2.0, 4.0)
    assert term.riv == 3.0 and term.lambda_ == 0.75
    assert term.df == pytest.approx(1 / 0.75**2)  # df_com = ∞: the classical (m − 1)/λ²


def test_imputation_is_deterministic_and_fills_every_gap():
    data = IMPUTED[IMPUTED["imp"] == 1].drop(columns="imp").reset_index(drop=True)
    data.loc[::7, "wt_loss"] = np.nan
    first = impute_chained(data, ["age", "sex", "ph_karno", "wt_loss"], m=2)
    second = impute_chained(data, ["age", "sex", "ph_karno", "wt_loss"], m=2)
    assert len(first) == 2 and not first[0]["wt_loss"].isna().any()
    pd.testing.assert_frame_equal(first[1], second[1])
    observed = data["wt_loss"].notna()
    assert (first[0].loc[observed, "wt_loss"] == data.loc[observed, "wt_loss"]).all()
