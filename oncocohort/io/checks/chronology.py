"""Date-order and vital-status checks: things that cannot happen in that order, and events after the cutoff."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import CONFIG_NAME
from .context import CheckContext, fmt_date

EARLY_CUTOFF_SHARE = 0.5  # a cutoff before more than this share of the study's dates is refused unless intended

# (table, date column, what it is) for every dated event: checked against death and the data cutoff.
DATED_EVENTS = (
    ("treatments", "start_date", "treatment start"),
    ("treatments", "end_date", "treatment end"),
    ("lesions", "assessment_date", "assessment"),
    ("responses", "assessment_date", "assessment"),
    ("adverse_events", "onset_date", "adverse event onset"),
    ("adverse_events", "end_date", "adverse event end"),
    ("followup", "last_known_alive_date", "last known alive date"),
    ("followup", "death_date", "death"),
    ("followup", "new_anticancer_therapy_date", "new anticancer therapy"),
)


def _with_patient_dates(ctx: CheckContext, table: str) -> pd.DataFrame:
    """Rows of ``table`` with the patient's first treatment start and death date alongside (``_first_start``,
    ``_death``; NaT when none): found by position (``get_indexer``), the table not copied by a join."""
    frame = ctx.tables[table]
    first_start = ctx.tables["treatments"].groupby("patient_id")["start_date"].min()
    death = ctx.tables["followup"].dropna(subset=["patient_id"]).drop_duplicates("patient_id")
    death = death.set_index("patient_id")["death_date"]
    return frame.assign(_first_start=_per_row(frame["patient_id"], first_start),
                        _death=_per_row(frame["patient_id"], death))


def _per_row(patient_ids: pd.Series, dates: pd.Series) -> np.ndarray:
    """``dates`` (indexed by unique patient_id) for each row's patient, NaT when the patient has none."""
    position = dates.index.get_indexer(patient_ids)
    values = dates.to_numpy(dtype="datetime64[ns]")
    return np.where(position >= 0, values[position] if len(values) else np.datetime64("NaT", "ns"),
                    np.datetime64("NaT", "ns"))


def check_period_order(ctx: CheckContext) -> None:
    """A treatment or adverse event cannot end before it starts."""
    for table, start, end in (("treatments", "start_date", "end_date"), ("adverse_events", "onset_date", "end_date")):
        frame = ctx.tables[table]
        bad = frame[frame[end] < frame[start]]
        ctx.flag("error", "date.end_before_start", table, bad, end,
                 [f"{end} is before {start} {fmt_date(s)}" for s in bad[start]])


def check_death_order(ctx: CheckContext) -> None:
    """Death cannot come before the first treatment; nothing can be assessed or start after death."""
    followup = _with_patient_dates(ctx, "followup")
    bad = followup[followup["death_date"] < followup["_first_start"]]
    ctx.flag("error", "date.death_before_treatment", "followup", bad, "death_date",
             [f"death is before the first treatment start {fmt_date(d)}" for d in bad["_first_start"]])
    bad = followup[followup["last_known_alive_date"] > followup["death_date"]]
    ctx.flag("error", "date.alive_after_death", "followup", bad, "last_known_alive_date",
             [f"last known alive date is after the death date {fmt_date(d)}" for d in bad["death_date"]])
    for table, column, what in (("lesions", "assessment_date", "assessment"),
                                ("responses", "assessment_date", "assessment"),
                                ("adverse_events", "onset_date", "adverse event onset"),
                                ("treatments", "start_date", "treatment start")):
        if not ctx.has(table):
            continue
        frame = _with_patient_dates(ctx, table)
        bad = frame[frame[column] > frame["_death"]]
        ctx.flag("error", "date.after_death", table, bad, column,
                 [f"{what} is after the patient's death on {fmt_date(d)}" for d in bad["_death"]])


def check_vital_status(ctx: CheckContext) -> None:
    """Alive/dead consistency: a cause of death needs a death date; so do 'death' as reason stopped and grade 5."""
    followup = ctx.tables["followup"]
    bad = followup[followup["cause_of_death"].notna() & followup["death_date"].isna()]
    ctx.flag("error", "vital.cause_without_death", "followup", bad, "cause_of_death",
             "a cause of death is given but death_date is blank")
    dead = set(followup.loc[followup["death_date"].notna(), "patient_id"])
    treatments = ctx.tables["treatments"]
    bad = treatments[(treatments["reason_stopped"] == "death") & ~treatments["patient_id"].isin(dead)]
    ctx.flag("error", "vital.death_not_recorded", "treatments", bad, "reason_stopped",
             "treatment stopped for death but followup has no death_date for this patient")
    if ctx.has("adverse_events"):
        events = ctx.tables["adverse_events"]
        bad = events[(events["grade"] == 5) & ~events["patient_id"].isin(dead)]
        ctx.flag("error", "vital.death_not_recorded", "adverse_events", bad, "grade",
                 "grade 5 means death, but followup has no death_date for this patient")
    _check_seen_after_last_alive(ctx)


def _check_seen_after_last_alive(ctx: CheckContext) -> None:
    """Warn when a living patient has a scan, treatment or AE after the last known alive date (OS censors early)."""
    followup = ctx.tables["followup"].dropna(subset=["patient_id"]).drop_duplicates("patient_id")
    alive = followup[followup["death_date"].isna()].set_index("patient_id")["last_known_alive_date"]
    latest = []
    for table, column, _ in DATED_EVENTS:
        if ctx.has(table) and table != "followup":
            frame = ctx.tables[table][["patient_id", column]].rename(columns={column: "date"})
            latest.append(frame)
    seen = pd.concat(latest).groupby("patient_id")["date"].max()
    later = seen[seen.index.isin(alive.index)]
    later = later[later > alive.reindex(later.index)]
    rows = followup[followup["patient_id"].isin(later.index)]
    ctx.flag("warning", "vital.seen_after_last_alive", "followup", rows, "last_known_alive_date",
             [f"the patient was seen alive later, on {fmt_date(later[p])}; overall survival would be censored too early"
              for p in rows["patient_id"]])


def check_after_cutoff(ctx: CheckContext) -> None:
    """Dates after the data cutoff are warned about: those records will be cut (and counted) by the analysis."""
    if ctx.config is None or ctx.config.study.data_cutoff is None:
        return
    if any(p.rule in ("date.cutoff_before_data", "date.cutoff_early") for p in ctx.log.problems):
        return  # the cutoff itself is refused: a warning per later date would only repeat it
    cutoff = pd.Timestamp(ctx.config.study.data_cutoff)
    for table, column, what in DATED_EVENTS:
        if not ctx.has(table):
            continue
        frame = ctx.tables[table]
        late = frame[frame[column] > cutoff]
        ctx.flag("warning", "date.after_cutoff", table, late, column,
                 f"{what} is after the data cutoff {cutoff.date().isoformat()}; it will be cut from the analysis "
                 f"({len(late)} such date(s) in this column)")


def check_cutoff_plausible(ctx: CheckContext) -> None:
    """The data cutoff must not precede every date of the tables (nothing to analyse), nor most of them unless
    ``[study] early_cutoff_intended = true`` says an earlier cutoff is wanted (e.g. a template's cutoff left in)."""
    if ctx.config is None or ctx.config.study.data_cutoff is None:
        return
    study = ctx.config.study
    cutoff = pd.Timestamp(study.data_cutoff)
    dates = pd.concat([ctx.tables[table][column].dropna() for table, column, _ in DATED_EVENTS if ctx.has(table)])
    if dates.empty:
        return
    after = int((dates > cutoff).sum())
    where = dict(source=CONFIG_NAME, table="study", row=ctx.config.line("study", "data_cutoff"),
                 column="data_cutoff", value=study.data_cutoff)
    span = f"the tables' dates run from {fmt_date(dates.min())} to {fmt_date(dates.max())}"
    if after == len(dates):
        ctx.log.error("date.cutoff_before_data", f"the data cutoff is before every date in the tables ({span}): "
                      "nothing would be analysed; write the date the data were frozen", **where)
    elif after > EARLY_CUTOFF_SHARE * len(dates) and not study.early_cutoff_intended:
        ctx.log.error("date.cutoff_early", f"the data cutoff is before {after} of the {len(dates)} dates in the "
                      f"tables ({100 * after / len(dates):.0f} %; {span}), and every record after it would be cut: "
                      "write the date the data were frozen, or, if this earlier cutoff is intended, add "
                      "early_cutoff_intended = true under [study]", **where)


def check_birth_before_treatment(ctx: CheckContext) -> None:
    """A birth date must come before the patient's first treatment start (else age would be negative and the
    patient silently excluded), and give an age of at most 120 years there. The error sits on the patients row
    and names the treatments row."""
    patients = ctx.tables["patients"]
    treatments = ctx.tables["treatments"].dropna(subset=["patient_id", "start_date"])
    first = treatments.sort_values(["start_date", "source_row"]).drop_duplicates("patient_id").set_index("patient_id")
    born = patients[patients["birth_date"].notna() & patients["patient_id"].isin(first.index)]
    if born.empty:
        return
    start = pd.Series(first["start_date"].reindex(born["patient_id"]).to_numpy(), index=born.index)
    start_row = pd.Series(first["source_row"].reindex(born["patient_id"]).to_numpy(), index=born.index)
    where = "sheet treatments" if ctx.sources["treatments"].endswith(".xlsx") else ctx.sources["treatments"]
    after = born[born["birth_date"] > start]
    ctx.flag("error", "date.birth_after_treatment", "patients", after, "birth_date",
             [f"the birth date is after the first treatment start {fmt_date(start[i])} ({where}, row "
              f"{int(start_row[i])}); age would be negative — check both dates" for i in after.index])
    age = (start - born["birth_date"]).dt.days / 365.25
    old = born[age > 120]
    ctx.flag("error", "date.birth_implausible", "patients", old, "birth_date",
             [f"gives an age of {int(age[i])} years at the first treatment start {fmt_date(start[i])} ({where}, row "
              f"{int(start_row[i])}); ages above 120 are not plausible — check both dates" for i in old.index])
