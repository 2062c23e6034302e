"""CDISC SDTM tumour domains → the study's ``lesions`` and ``responses`` shapes.

TU (tumour identification) gives each lesion's id (TULNKID), kind (TUSTRESC TARGET / NON-TARGET / NEW) and site
(TULOC; "LYMPH NODE" = nodal). TR (tumour results) gives per visit LDIAM (longest diameter), LPERP (short axis,
used for nodal targets) and TUMSTATE (non-targets: PRESENT / ABSENT / UNEQUIVOCAL PROGRESSION). RS gives the
recorded overall response (RSTESTCD OVRLRESP). One evaluator is kept (default: the investigator).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_KIND = {"TARGET": "target", "NON-TARGET": "non_target", "NEW": "new"}
_STATE = {"PRESENT": "present", "ABSENT": "absent", "UNEQUIVOCAL PROGRESSION": "progression",
          "UNEQUIVOCAL": "progression", "NOT EVALUABLE": "not_evaluated", "NOT ASSESSED": "not_evaluated",
          "NOT EVALUATED": "not_evaluated",
          "EQUIVOCAL": "equivocal"}


def sdtm_date(text: pd.Series) -> pd.Series:
    """ISO 8601 SDTM dates to dates; partial dates are imputed to the first day (YYYY-MM → YYYY-MM-01, YYYY →
    YYYY-01-01), as admiral's default ``date_imputation = "first"`` does for ADTR/ADRS."""
    text = text.fillna("").astype(str).str[:10]
    text = text.where(text.str.len() != 7, text + "-01").where(text.str.len() != 4, text + "-01-01")
    return pd.to_datetime(text.where(text.str.len() == 10), format="%Y-%m-%d")


def _evaluator(frame: pd.DataFrame, prefix: str, evaluator: str) -> pd.DataFrame:
    if f"{prefix}EVAL" not in frame:
        return frame
    return frame[frame[f"{prefix}EVAL"].fillna("").str.upper() == evaluator.upper()]


def lesions_from_sdtm(tu: pd.DataFrame, tr: pd.DataFrame, evaluator: str = "INVESTIGATOR") -> pd.DataFrame:
    """Lesion rows (patient_id, assessment_date, lesion_id, kind, site, nodal, diameter_mm, status, method)."""
    tu = _evaluator(tu, "TU", evaluator)
    tr = _evaluator(tr, "TR", evaluator)
    ident = tu[["USUBJID", "TULNKID", "TUSTRESC", "TULOC"] + (["TUMETHOD"] if "TUMETHOD" in tu else [])]
    ident = ident.drop_duplicates(["USUBJID", "TULNKID"]).rename(columns={"USUBJID": "patient_id",
                                                                          "TULNKID": "lesion_id"})
    ident["kind"] = ident["TUSTRESC"].str.upper().map(_KIND)
    ident["nodal"] = np.where(ident["TULOC"].str.upper() == "LYMPH NODE", "yes", "no")
    ident["site"] = ident["TULOC"].str.lower()
    results = tr.rename(columns={"USUBJID": "patient_id", "TRLNKID": "lesion_id"})
    results = results.assign(assessment_date=sdtm_date(results["TRDTC"]))
    wide = results.pivot_table(index=["patient_id", "assessment_date", "lesion_id"], columns="TRTESTCD",
                               values="TRSTRESN", aggfunc="first")
    state = results[results["TRTESTCD"] == "TUMSTATE"].set_index(
        ["patient_id", "assessment_date", "lesion_id"])["TRSTRESC"]
    rows = results[["patient_id", "assessment_date", "lesion_id"]].drop_duplicates()
    rows = rows.join(wide, on=["patient_id", "assessment_date", "lesion_id"]).join(
        state.rename("tumstate"), on=["patient_id", "assessment_date", "lesion_id"])
    rows = rows.merge(ident[["patient_id", "lesion_id", "kind", "nodal", "site"]], on=["patient_id", "lesion_id"])
    long_axis = rows["LDIAM"] if "LDIAM" in rows else np.nan
    short_axis = rows["LPERP"] if "LPERP" in rows else np.nan
    rows["diameter_mm"] = np.where(rows["nodal"] == "yes", short_axis, long_axis)
    measured_status = np.where(rows["diameter_mm"] > 0, "present", "absent")
    state = rows["tumstate"].fillna("").str.upper()
    non_target_status = state.map(_STATE).fillna("present").replace({"equivocal": "present"})  # equivocal ≠ PD
    new_status = np.where(state.eq("EQUIVOCAL"), "equivocal", "present")  # UNEQUIVOCAL/PRESENT new lesion
    rows["status"] = np.select([rows["kind"].eq("target"), rows["kind"].eq("new")],
                               [measured_status, new_status], default=non_target_status)
    rows.loc[(rows["kind"] == "target") & rows["diameter_mm"].isna(), "status"] = "not_evaluated"
    rows.loc[rows["status"] != "present", "diameter_mm"] = np.nan
    rows.loc[(rows["kind"] == "target") & (rows["status"] == "absent"), "diameter_mm"] = np.nan
    return rows[["patient_id", "assessment_date", "lesion_id", "kind", "site", "nodal", "diameter_mm", "status"]
                ].sort_values(["patient_id", "assessment_date", "lesion_id"]).reset_index(drop=True)


def responses_from_sdtm(rs: pd.DataFrame, evaluator: str = "INVESTIGATOR") -> pd.DataFrame:
    """Recorded overall responses (patient_id, assessment_date, overall_response, assessor)."""
    rs = _evaluator(rs, "RS", evaluator)
    rs = rs[rs["RSTESTCD"] == "OVRLRESP"]
    out = pd.DataFrame({
        "patient_id": rs["USUBJID"],
        "assessment_date": sdtm_date(rs["RSDTC"]),
        "overall_response": rs["RSSTRESC"].str.upper().replace({"NON-CR/NON-PD": "NON-CR/NON-PD"}),
        "assessor": evaluator.lower(),
    })
    return out.sort_values(["patient_id", "assessment_date"]).reset_index(drop=True)
