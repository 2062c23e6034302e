"""CDISC SDTM → study folder.

Domains read (CSV, .xpt or .sas7bdat, one file per domain named after it; others by ``files``):

- DM (required) → ``patients`` (USUBJID, AGE/BRTHDTC, SEX) and ``followup`` (DTHDTC); RACE, ETHNIC, COUNTRY, ARM,
  ACTARM and every SUPPDM qualifier are kept as covariates (a qualifier named like a study column fills it).
- EX (required) → ``treatments`` (EXTRT, EXSTDTC/EXENDTC, EXDOSE/EXDOSU); DS disposition events give the reason
  the last period of each drug stopped.
- TU/TR → ``lesions`` (via :mod:`oncocohort.io.sdtm`; one evaluator); RS OVRLRESP → ``responses``;
  RS/QS ECOG records → ``ecog`` (the last on or before the first dose).
- AE → ``adverse_events`` (AEDECOD, else AETERM; AETOXGR → grade; AEREL, AESER, AEACN).
- DS death, SS survival status, and the last date the patient was seen in any domain → ``followup``.
- MH primary diagnosis → ``histology``; CM follow-up anticancer therapy → ``new_anticancer_therapy_date``.

Partial ISO dates are imputed to the first day of the month/year (admiral's default) and counted in the report.
Required patients columns that no domain holds are declared ``not_collected`` in study.toml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..io.schema import TABLES_BY_NAME
from ..io.sdtm import lesions_from_sdtm, responses_from_sdtm, sdtm_date
from ..reference.ctcae import load_ctcae
from .datasets import ROW, DatasetError, ImportFailed, find_dataset, read_dataset
from .mapping_report import ImportReport
from .study_folder import StudySettingsDraft, draft_settings

DOMAINS = ("DM", "SUPPDM", "EX", "DS", "AE", "TU", "TR", "RS", "QS", "SS", "MH", "CM", "SV")
SEX = {"M": "male", "F": "female"}
DM_COVARIATES = ("RACE", "ETHNIC", "COUNTRY", "ARM", "ACTARM", "SITEID")
# DS disposition (DSDECOD, NCI codelist NCOMPLT) → why a treatment period ended
STOP_REASONS = {"PROGRESSIVE DISEASE": "progression", "DISEASE PROGRESSION": "progression",
                "LACK OF EFFICACY": "progression", "ADVERSE EVENT": "toxicity", "DEATH": "death",
                "WITHDRAWAL BY SUBJECT": "patient_choice", "PHYSICIAN DECISION": "other",
                "PROTOCOL VIOLATION": "other", "LOST TO FOLLOW-UP": "other", "STUDY TERMINATED BY SPONSOR": "other",
                "PREGNANCY": "other", "NON-COMPLIANCE WITH STUDY DRUG": "other", "OTHER": "other"}
# AEREL is sponsor-defined; the usual wordings
RELATED = {"Y": "yes", "YES": "yes", "RELATED": "yes", "POSSIBLE": "yes", "POSSIBLY RELATED": "yes",
           "PROBABLE": "yes", "PROBABLY RELATED": "yes", "DEFINITE": "yes", "DEFINITELY RELATED": "yes",
           "LIKELY": "yes", "N": "no", "NO": "no", "NOT RELATED": "no", "NONE": "no", "UNRELATED": "no",
           "UNLIKELY": "no", "UNLIKELY RELATED": "no", "REMOTE": "no", "DOUBTFUL": "no"}
ACTIONS = {"DOSE NOT CHANGED": "none", "DOSE REDUCED": "dose_reduced", "DRUG INTERRUPTED": "interrupted",
           "DRUG WITHDRAWN": "discontinued"}
SEVERITY_GRADE = {"MILD": 1, "MODERATE": 2, "SEVERE": 3}


@dataclass
class SdtmOptions:
    """Choices an SDTM import needs that the data cannot make."""

    files: dict[str, Path] | None = None  # domain → file, for names other than dm.csv, DM.xpt, ...
    evaluator: str = "INVESTIGATOR"  # TU/TR/RS evaluator to keep
    components: list[tuple[str, list[str]]] | None = None  # regimen components; default one of all EXTRT
    data_cutoff: dt.date | None = None
    grade_from_severity: bool = False  # AESEV MILD/MODERATE/SEVERE → grade 1/2/3 when AETOXGR is blank
    title: str | None = None


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``frame``, or a blank one when the domain does not have it (many SDTM variables are permissible)."""
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype="object")


def _upper(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.strip().str.upper()


def _is_ecog(frame: pd.DataFrame, prefix: str) -> pd.Series:
    """RS/QS records of ECOG performance status (test code or category mentioning ECOG)."""
    return _upper(_col(frame, f"{prefix}TESTCD")).str.contains("ECOG") | _upper(
        _col(frame, f"{prefix}CAT")).str.contains("ECOG")


def _partial(series: pd.Series) -> pd.Series:
    """ISO dates given to the month or year only (imputed to the first day)."""
    text = series.fillna("").astype(str).str[:10]
    return text.str.len().isin([4, 7])


class _Domains:
    """The SDTM domains found, each with its ``ROW`` column (:func:`read_dataset`)."""

    def __init__(self, folder: Path, files: dict[str, Path] | None, report: ImportReport):
        self.frames: dict[str, pd.DataFrame] = {}
        problems = []
        for name in DOMAINS:
            try:
                path = (files or {}).get(name) or find_dataset(folder, name)
                if path is None:
                    continue
                frame, _ = read_dataset(path)
            except DatasetError as exc:
                problems.append(str(exc))
                continue
            self.frames[name] = frame
            report.add_input(name, str(path), frame.columns, len(frame))
        missing = [name for name in ("DM", "EX") if name not in self.frames]
        if missing:
            problems.append(f"{folder}: required domain(s) {', '.join(missing)} not found (looked for "
                            f"{', '.join(n.lower() + '.csv/.xpt/.sas7bdat' for n in missing)}; name other files "
                            "with --domain NAME=FILE)")
        if problems:
            raise ImportFailed("\n".join(problems))

    def get(self, name: str) -> pd.DataFrame | None:
        return self.frames.get(name)


def _first_dose(ex: pd.DataFrame) -> pd.Series:
    return sdtm_date(ex["EXSTDTC"]).groupby(ex["USUBJID"]).min()


def _patients(d: _Domains, report: ImportReport, first_dose: pd.Series) -> pd.DataFrame:
    dm = d.get("DM")
    patients = pd.DataFrame({"patient_id": dm["USUBJID"]})
    report.use_rows("DM", len(dm))
    report.map_column("DM", "USUBJID", "patients.patient_id, every table's patient_id")
    years = _upper(_col(dm, "AGEU")).isin(["YEARS", "YEAR", ""])
    patients["age"] = pd.to_numeric(_col(dm, "AGE"), errors="coerce").where(years)
    report.map_column("DM", "AGE", "patients.age (AGEU YEARS)")
    if "BRTHDTC" in dm:
        full = dm["BRTHDTC"].fillna("").str.len() >= 10
        patients["birth_date"] = sdtm_date(dm["BRTHDTC"].where(full))
        report.map_column("DM", "BRTHDTC", "patients.birth_date (complete dates only; used when AGE is blank)")
    patients["sex"] = _upper(dm["SEX"]).map(SEX)
    report.map_column("DM", "SEX", "patients.sex (M → male, F → female; other codes left blank)")
    for column in DM_COVARIATES:
        if column in dm:
            patients[column.lower()] = dm[column]
            report.map_column("DM", column, f"patients.{column.lower()} (covariate)")
    supp = d.get("SUPPDM")
    if supp is not None:
        wide = supp.pivot_table(index="USUBJID", columns="QNAM", values="QVAL", aggfunc="first")
        for qnam in sorted(wide.columns):
            name = qnam.strip().lower()
            patients[name] = patients["patient_id"].map(wide[qnam])
        report.use_rows("SUPPDM", len(supp))
        report.map_column("SUPPDM", "QNAM", "patients column named after the qualifier (covariate; a qualifier "
                                            "named like a study column, e.g. ECOG, fills that column)")
        report.map_column("SUPPDM", "QVAL", "its value")
        report.map_column("SUPPDM", "USUBJID", "patient")
    _ecog(d, report, patients, first_dose)
    _histology(d, report, patients)
    return patients


def _ecog(d: _Domains, report: ImportReport, patients: pd.DataFrame, first_dose: pd.Series) -> None:
    """ECOG performance status from RS (RSCAT/RSTESTCD mentioning ECOG) or QS: the last on/before the first dose."""
    found = []
    for name in ("RS", "QS"):
        frame = d.get(name)
        if frame is None:
            continue
        p = name
        is_ecog = _is_ecog(frame, p)
        rows = frame[is_ecog]
        if name == "QS":
            report.skip_rows(name, "a questionnaire other than ECOG", frame[ROW][~is_ecog])
        if rows.empty:
            continue
        value = pd.to_numeric(_col(rows, f"{p}STRESN").fillna(_col(rows, f"{p}STRESC")), errors="coerce")
        date = sdtm_date(rows[f"{p}DTC"])
        before = date <= rows["USUBJID"].map(first_dose)
        use = rows.assign(value=value, date=date)[before & value.notna()]
        found.append(use[["USUBJID", "date", "value", ROW]])
        report.use_rows(name, len(use))
        report.skip_rows(name, "ECOG record after the first dose or without a value", rows[ROW][~(
            before & value.notna())])
        report.map_column(name, f"{p}STRESN", "patients.ecog (ECOG records: last on or before the first dose)")
    if found:
        ecog = pd.concat(found).sort_values(["USUBJID", "date"]).groupby("USUBJID")["value"].last()
        patients["ecog"] = patients["patient_id"].map(ecog)


def _histology(d: _Domains, report: ImportReport, patients: pd.DataFrame) -> None:
    mh = d.get("MH")
    if mh is None:
        return
    primary = _upper(_col(mh, "MHCAT")).str.contains("PRIMARY DIAGNOSIS")
    rows = mh[primary].sort_values(["USUBJID", ROW]).drop_duplicates("USUBJID")
    if not rows.empty:
        patients["histology"] = patients["patient_id"].map(rows.set_index("USUBJID")["MHTERM"])
        report.map_column("MH", "MHTERM", "patients.histology (MHCAT PRIMARY DIAGNOSIS, first record)")
    report.use_rows("MH", len(rows))
    report.skip_rows("MH", "a second primary-diagnosis record of the patient (the first is used)",
                     mh[primary & ~mh[ROW].isin(rows[ROW])][ROW])
    report.skip_rows("MH", "medical history other than the primary diagnosis (not part of the study format)",
                     mh[~primary][ROW])


def _disposition(d: _Domains, report: ImportReport) -> pd.DataFrame:
    """DS disposition events: (USUBJID, decod, date, row) — treatment discontinuation and death."""
    ds = d.get("DS")
    if ds is None:
        return pd.DataFrame(columns=["USUBJID", "decod", "date", ROW])
    event = _upper(ds.get("DSCAT", pd.Series("DISPOSITION EVENT", index=ds.index))).eq("DISPOSITION EVENT")
    out = ds[event].assign(decod=_upper(ds["DSDECOD"]), date=sdtm_date(ds["DSSTDTC"]))
    report.skip_rows("DS", "not a disposition event (protocol milestone or other event)", ds[~event][ROW])
    return out[["USUBJID", "decod", "date", ROW]]


def _treatments(d: _Domains, report: ImportReport, disposition: pd.DataFrame) -> pd.DataFrame:
    ex = d.get("EX")
    start = sdtm_date(ex["EXSTDTC"])
    report.skip_rows("EX", "no start date (EXSTDTC)", ex[ROW][start.isna()])
    ex = ex[start.notna()]
    if _partial(ex["EXSTDTC"]).any() or _partial(_col(ex, "EXENDTC")).any():
        report.decide(f"EX: {int(_partial(ex['EXSTDTC']).sum())} partial start date(s) and "
                      f"{int(_partial(_col(ex, 'EXENDTC')).sum())} partial end date(s) "
                      "imputed to the first day of the month/year.")
    out = pd.DataFrame({
        "patient_id": ex["USUBJID"], "drug": ex["EXTRT"].str.strip().str.lower(),
        "start_date": sdtm_date(ex["EXSTDTC"]),
        "end_date": sdtm_date(ex["EXENDTC"]) if "EXENDTC" in ex else pd.NaT,
        "dose": pd.to_numeric(_col(ex, "EXDOSE"), errors="coerce"), "dose_unit": _col(ex, "EXDOSU"),
        "reason_stopped": None})
    report.use_rows("EX", len(ex))
    for column, target in (("USUBJID", "treatments.patient_id"), ("EXTRT", "treatments.drug (lower case)"),
                           ("EXSTDTC", "treatments.start_date"), ("EXENDTC", "treatments.end_date"),
                           ("EXDOSE", "treatments.dose"), ("EXDOSU", "treatments.dose_unit")):
        report.map_column("EX", column, target)
    # the reason on the last period of each drug: the patient's disposition event (not COMPLETED/SCREEN FAILURE)
    reasons = disposition[disposition["decod"].isin(STOP_REASONS)].sort_values(ROW).drop_duplicates("USUBJID")
    reason = out["patient_id"].map(reasons.set_index("USUBJID")["decod"].map(STOP_REASONS))
    last = out.groupby(["patient_id", "drug"])["start_date"].transform("max").eq(out["start_date"])
    out["reason_stopped"] = reason.where(last & out["end_date"].notna())
    if len(reasons):
        report.decide("treatments.reason_stopped: the DS disposition event (DSDECOD) on the last dose period of each "
                      "drug; COMPLETED and SCREEN FAILURE give no reason. " + ", ".join(
                          f"{k} → {v}" for k, v in STOP_REASONS.items() if k in set(reasons["decod"])) + ".")
    return out


def _lesions_and_responses(d: _Domains, report: ImportReport, evaluator: str) -> dict[str, pd.DataFrame]:
    out = {}
    tu, tr, rs = d.get("TU"), d.get("TR"), d.get("RS")
    wanted = evaluator.upper()

    def kept(frame, prefix):
        if f"{prefix}EVAL" not in frame:
            return pd.Series(True, index=frame.index)
        return _upper(frame[f"{prefix}EVAL"]).eq(wanted)

    if tu is not None and tr is not None:
        tr = tr.assign(TRSTRESN=pd.to_numeric(tr["TRSTRESN"], errors="coerce"))
        keep_tu, keep_tr = kept(tu, "TU"), kept(tr, "TR")
        known = _upper(tr["TRTESTCD"]).isin(["LDIAM", "LPERP", "TUMSTATE"])
        identified = tr.set_index(["USUBJID", "TRLNKID"]).index.isin(
            tu[keep_tu].set_index(["USUBJID", "TULNKID"]).index)
        report.skip_rows("TU", f"another evaluator than {evaluator}", tu[ROW][~keep_tu])
        report.skip_rows("TR", f"another evaluator than {evaluator}", tr[ROW][~keep_tr])
        report.skip_rows("TR", "a test other than LDIAM, LPERP or TUMSTATE", tr[ROW][keep_tr & ~known])
        report.skip_rows("TR", "lesion not identified in TU (TRLNKID)", tr[ROW][keep_tr & known & ~identified])
        candidates = keep_tr & known & identified
        key = ["USUBJID", "TRLNKID", "TRDTC", "TRTESTCD"]
        repeat = tr[candidates].duplicated(key).reindex(tr.index, fill_value=False)
        same = tr[candidates].duplicated(key + ["TRSTRESC"]).reindex(tr.index, fill_value=False)
        report.skip_rows("TR", "a repeat of an identical earlier record (same lesion, date, test and result)",
                         tr[ROW][same])
        report.skip_rows("TR", "CONFLICTING repeat (same lesion, date and test, another result): the first record "
                               "is used — check the source", tr[ROW][repeat & ~same])
        report.use_rows("TU", keep_tu.sum())
        report.use_rows("TR", (candidates & ~repeat).sum())
        out["lesions"] = lesions_from_sdtm(tu[keep_tu], tr[candidates & ~repeat], evaluator)
        for column, target in (("USUBJID", "lesions.patient_id"), ("TULNKID", "lesions.lesion_id"),
                               ("TUSTRESC", "lesions.kind (TARGET/NON-TARGET/NEW)"),
                               ("TULOC", "lesions.site, lesions.nodal (LYMPH NODE = nodal)"),
                               ("TUEVAL", f"evaluator filter ({evaluator})")):
            report.map_column("TU", column, target)
        for column, target in (("USUBJID", "lesions.patient_id"), ("TRLNKID", "lesions.lesion_id"),
                               ("TRTESTCD", "which measurement"),
                               ("TRSTRESN", "lesions.diameter_mm (LDIAM; LPERP for nodal lesions)"),
                               ("TRSTRESC", "lesions.status (TUMSTATE for non-target and new lesions)"),
                               ("TRDTC", "lesions.assessment_date"), ("TREVAL", f"evaluator filter ({evaluator})")):
            report.map_column("TR", column, target)
    if rs is not None:
        overall = _upper(rs["RSTESTCD"]).eq("OVRLRESP")
        ecog = _is_ecog(rs, "RS")
        keep = kept(rs, "RS")
        report.skip_rows("RS", f"another evaluator than {evaluator}", rs[ROW][overall & ~keep])
        report.skip_rows("RS", "a response test other than OVRLRESP (target, non-target, new-lesion responses are "
                               "re-derived from TU/TR)", rs[ROW][~overall & ~ecog])
        report.use_rows("RS", (overall & keep).sum())
        if (overall & keep).any():
            out["responses"] = responses_from_sdtm(rs[overall & keep], evaluator)
        for column, target in (("RSTESTCD", "OVRLRESP rows → responses"),
                               ("RSSTRESC", "responses.overall_response"), ("RSDTC", "responses.assessment_date"),
                               ("RSEVAL", f"evaluator filter ({evaluator})")):
            report.map_column("RS", column, target)
    return out


def _adverse_events(d: _Domains, report: ImportReport, options: SdtmOptions) -> pd.DataFrame:
    spec = TABLES_BY_NAME["adverse_events"]
    ae = d.get("AE")
    if ae is None:
        report.decide("No AE domain: adverse_events is written empty (no adverse events reported).")
        return pd.DataFrame(columns=spec.column_names)
    grade = pd.to_numeric(_col(ae, "AETOXGR"), errors="coerce")
    used = pd.Series(False, index=ae.index)
    undefined = pd.Series(False, index=ae.index)
    if options.grade_from_severity and "AESEV" in ae:
        from_severity = _upper(ae["AESEV"]).map(SEVERITY_GRADE)
        used = grade.isna() & from_severity.notna()
        if used.any():
            report.decide(f"AE: {int(used.sum())} event(s) without AETOXGR graded from AESEV (MILD 1, MODERATE 2, "
                          "SEVERE 3; --grade-from-severity). Severity is not a CTCAE grade: say so in the report.")
        grade = grade.fillna(from_severity)
        report.map_column("AE", "AESEV", "adverse_events.grade when AETOXGR is blank (MILD 1, MODERATE 2, SEVERE 3)")
    term = _col(ae, "AEDECOD").fillna(ae["AETERM"]).str.strip().str.capitalize()
    ctcae = load_ctcae("5.0")
    if options.grade_from_severity:
        entry = term.map(lambda t: ctcae.lookup(t) if isinstance(t, str) else None)
        undefined = used & np.array([e is not None and int(g) not in e.grades for e, g in zip(entry, grade.fillna(0))])
        report.skip_rows("AE", "grade from AESEV is not defined for the CTCAE term (e.g. MILD syncope; CTCAE grades "
                               "syncope 3 only)", ae[ROW][undefined])
        grade = grade.mask(undefined)
    onset = sdtm_date(ae["AESTDTC"])
    usable = grade.notna() & onset.notna()
    report.skip_rows("AE", "no CTCAE grade (AETOXGR blank" + ("" if options.grade_from_severity else
                     "; --grade-from-severity would use AESEV") + ")", ae[ROW][grade.isna() & ~undefined])
    report.skip_rows("AE", "no onset date (AESTDTC)", ae[ROW][grade.notna() & onset.isna()])
    report.use_rows("AE", usable.sum())
    ae_in = ae[usable]
    out = pd.DataFrame({
        "patient_id": ae_in["USUBJID"], "term": term[usable],
        "grade": grade[usable].astype(int), "onset_date": onset[usable],
        "end_date": sdtm_date(ae_in["AEENDTC"]) if "AEENDTC" in ae_in else pd.NaT,
        "related": _upper(_col(ae_in, "AEREL")).map(RELATED).fillna("unknown"),
        "serious": _upper(_col(ae_in, "AESER")).map({"Y": "yes", "N": "no"}),
        "action": _upper(_col(ae_in, "AEACN")).map(ACTIONS)})
    for column, target in (("USUBJID", "adverse_events.patient_id"),
                           ("AEDECOD", "adverse_events.term (AETERM when blank)"),
                           ("AETERM", "adverse_events.term when AEDECOD is blank"),
                           ("AETOXGR", "adverse_events.grade"), ("AESTDTC", "adverse_events.onset_date"),
                           ("AEENDTC", "adverse_events.end_date"),
                           ("AEREL", "adverse_events.related (" + ", ".join(
                               sorted(v for v in set(_upper(_col(ae_in, "AEREL"))) if v))
                            + " → yes/no; other → unknown)"),
                           ("AESER", "adverse_events.serious"), ("AEACN", "adverse_events.action")):
        report.map_column("AE", column, target)
    if _partial(ae_in["AESTDTC"]).any():
        report.decide(f"AE: {int(_partial(ae_in['AESTDTC']).sum())} partial onset date(s) imputed to the first day.")
    return out


def _followup(d: _Domains, report: ImportReport, patients: pd.DataFrame, disposition: pd.DataFrame,
              first_dose: pd.Series) -> pd.DataFrame:
    dm = d.get("DM").set_index("USUBJID")
    death = sdtm_date(dm["DTHDTC"]) if "DTHDTC" in dm else pd.Series(pd.NaT, index=dm.index)
    report.map_column("DM", "DTHDTC", "followup.death_date")
    ds_death = disposition[disposition["decod"].eq("DEATH")].groupby("USUBJID")["date"].min()
    death = death.fillna(ds_death.reindex(death.index))
    seen: list[pd.DataFrame] = []

    def add(ids, dates):
        seen.append(pd.DataFrame({"patient_id": list(ids), "date": list(sdtm_date(pd.Series(list(dates))))}))

    for column in ("RFSTDTC", "RFENDTC", "RFXSTDTC", "RFXENDTC"):
        if column in dm:
            add(dm.index, dm[column])
            report.map_column("DM", column, "followup.last_known_alive_date (latest date seen)")
    ss = d.get("SS")
    if ss is not None:
        status = _upper(_col(ss, "SSSTRESC"))
        dead = status.eq("DEAD")
        ss_death = sdtm_date(ss["SSDTC"]).where(dead).groupby(ss["USUBJID"]).min()
        death = death.fillna(ss_death.reindex(death.index))
        add(ss["USUBJID"][status.eq("ALIVE")], ss["SSDTC"][status.eq("ALIVE")])
        report.use_rows("SS", (dead | status.eq("ALIVE")).sum())
        report.skip_rows("SS", "survival status neither ALIVE nor DEAD", ss[ROW][~(dead | status.eq("ALIVE"))])
        report.map_column("SS", "SSSTRESC", "followup: ALIVE → last known alive date, DEAD → death date")
        report.map_column("SS", "SSDTC", "its date")
    for name, columns in (("DS", ["DSSTDTC"]), ("SV", ["SVSTDTC", "SVENDTC"]), ("AE", ["AESTDTC", "AEENDTC"]),
                          ("TR", ["TRDTC"]), ("RS", ["RSDTC"]), ("EX", ["EXSTDTC", "EXENDTC"])):
        frame = d.get(name)
        for column in columns:
            if frame is not None and column in frame:
                add(frame["USUBJID"], frame[column])
                report.map_column(name, column, "followup.last_known_alive_date (latest date seen)")
    dates = pd.concat(seen)
    dates = dates[dates["date"].notna()]
    dates = dates[~(dates["date"] > dates["patient_id"].map(death))]  # records dated at/after death end life
    last = dates.groupby("patient_id")["date"].max()
    out = pd.DataFrame({"patient_id": patients["patient_id"]})
    out["death_date"] = out["patient_id"].map(death)
    out["last_known_alive_date"] = out["patient_id"].map(last)
    out["last_known_alive_date"] = out["last_known_alive_date"].fillna(out["death_date"])
    out["new_anticancer_therapy_date"] = _next_therapy(d, report, first_dose).reindex(out["patient_id"]).to_numpy()
    report.decide("followup.last_known_alive_date: the latest date of the patient in DM (RF dates), DS, SV, AE, "
                  "TR, RS, EX and SS ALIVE records (admiral's LSTALVDT idea), never after the death date. "
                  "followup.death_date: DM.DTHDTC, else DS DEATH, else SS DEAD.")
    no_date = out["last_known_alive_date"].isna()
    if no_date.any():
        report.decide(f"{int(no_date.sum())} patient(s) have no date at all (screen failures): no followup row.")
    return out[~no_date]


def _next_therapy(d: _Domains, report: ImportReport, first_dose: pd.Series) -> pd.Series:
    """Start of the first follow-up anticancer therapy: CM with CMCAT naming anticancer therapy, after the first
    dose."""
    cm = d.get("CM")
    if cm is None:
        return pd.Series([], dtype="datetime64[ns]")
    category = _upper(_col(cm, "CMCAT"))
    anticancer = category.str.contains("ANTI-CANCER|ANTICANCER|ANTINEOPLASTIC")
    start = sdtm_date(cm["CMSTDTC"])
    after = anticancer & (start > cm["USUBJID"].map(first_dose))
    report.use_rows("CM", after.sum())
    report.skip_rows("CM", "anticancer therapy before the first dose (prior therapy)", cm[ROW][anticancer & ~after])
    report.skip_rows("CM", "not an anticancer therapy (CMCAT); concomitant medications are not part of the study "
                           "format", cm[ROW][~anticancer])
    if after.any():
        report.map_column("CM", "CMSTDTC", "followup.new_anticancer_therapy_date (first anticancer CM after the "
                                           "first dose)")
    return start[after].groupby(cm["USUBJID"][after]).min()


def import_sdtm(folder: str | Path, options: SdtmOptions | None = None
                ) -> tuple[dict[str, pd.DataFrame], StudySettingsDraft, ImportReport]:
    """Read the SDTM domains in ``folder`` → (study tables, study.toml draft, mapping report).

    Raises :class:`ImportFailed` when DM or EX is missing or a domain file cannot be read.
    """
    folder = Path(folder)
    options = options or SdtmOptions()
    report = ImportReport("CDISC SDTM", str(folder))
    d = _Domains(folder, options.files, report)
    first_dose = _first_dose(d.get("EX"))
    disposition = _disposition(d, report)
    patients = _patients(d, report, first_dose)
    tables: dict[str, pd.DataFrame] = {"patients": patients}
    tables["treatments"] = _treatments(d, report, disposition)
    tables.update(_lesions_and_responses(d, report, options.evaluator))
    if "lesions" not in tables and "responses" not in tables:
        report.decide("No TU/TR and no RS OVRLRESP records: the study has no tumour response data, and a study "
                      "needs a lesions or a responses table — add TU/TR (or RS), or name them with --domain.")
    tables["adverse_events"] = _adverse_events(d, report, options)
    tables["followup"] = _followup(d, report, patients, disposition, first_dose)
    if "DS" in d.frames:
        report.use_rows("DS", len(disposition))
        report.map_column("DS", "DSDECOD", "treatments.reason_stopped; DEATH → followup.death_date")
        report.map_column("DS", "DSCAT", "DISPOSITION EVENT rows are used")
    if "SV" in d.frames:
        report.use_rows("SV", len(d.get("SV")))
    for name, frame in d.frames.items():
        reasons = {"STUDYID": "one study per import", "DOMAIN": "the domain code",
                   "SUBJID": "a second subject identifier (USUBJID is used)"}
        reasons.update({c: "a sequence or link number" for c in frame if c.endswith(("SEQ", "GRPID", "SPID"))})
        reasons.update({c: "a study day (dates are used)" for c in frame if c.endswith(("DY", "STDY", "ENDY"))})
        reasons.update({c: "visit label (dates are used)" for c in frame if c.startswith("VISIT")})
        report.finish_columns(name, reasons)
    title = options.title or f"{_study_id(d)} (imported from SDTM)"
    settings = draft_settings(tables, report, title, options.data_cutoff, f"Imported from CDISC SDTM: {folder.name}",
                              options.components)
    return tables, settings, report


def _study_id(d: _Domains) -> str:
    dm = d.get("DM")
    ids = sorted(set(_col(dm, "STUDYID").dropna()))
    return ", ".join(ids) or "SDTM study"
