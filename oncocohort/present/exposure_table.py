"""Exposure and dose modifications: treatment duration, cycles, dose reductions, interruptions, relative dose
intensity, treatment ongoing at the cutoff and reasons for stopping. Reads
:class:`oncocohort.stats.study_analysis.ExposureSummary`."""

from __future__ import annotations

from ..stats.descriptive import ContinuousSummary
from ..stats.study_analysis import ExposureSummary
from .formatting import count_percent, measured, number
from .table import Column, Row, Table
from .vocabulary import Vocabulary


def _median_range(s: ContinuousSummary, scale: float = 1.0, digits: int = 1) -> str:
    if s.n == 0:
        return "—"
    return (f"{number(scale * s.median, digits)} ({number(scale * s.minimum, digits)}–"
            f"{number(scale * s.maximum, digits)})")


def _count_median_range(s: ContinuousSummary) -> str:
    """Median (range) of counts: the median as results.json holds it (9.5 between 9 and 10 cycles, not 10)."""
    return "—" if s.n == 0 else f"{measured(s.median)} ({measured(s.minimum)}–{measured(s.maximum)})"


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def exposure_table(summary: ExposureSummary, title: str | None = None, vocabulary: Vocabulary | None = None
                   ) -> Table:
    """Reasons for stopping are written in words (``patient_choice`` → "Patient's choice"; study.toml [labels])."""
    vocabulary = vocabulary or Vocabulary()
    n = summary.n
    rows = [Row((f"Treatment duration, {summary.time_unit}, median (range)", _median_range(summary.duration)))]
    if summary.cycles is not None:
        rows.append(Row(("Cycles, median (range)", _count_median_range(summary.cycles))))
    rows += [Row(("Dose reduction in the dosing records, any reason, n (%)",
                  count_percent(summary.dose_reduction, n))),
             Row(("Treatment interruption, n (%)", count_percent(summary.interruption, n))),
             Row(("Treatment ongoing at the data cutoff, n (%)", count_percent(summary.ongoing_at_cutoff, n)))]
    if summary.relative_dose_intensity:
        rows.append(Row(("Relative dose intensity, %, median (range)", ""), group=True))
        rows += [Row((drug, _median_range(s, 100)), indent=1) for drug, s in summary.relative_dose_intensity]
    if summary.reason_stopped.levels:
        rows.append(Row(("Reason for stopping, n (%)", ""), group=True))
        rows += [Row((_sentence_case(vocabulary.code(level.level)), count_percent(level.n, n)), indent=1)
                 for level in summary.reason_stopped.levels]
    notes = ("Duration: first dose to the last dose (or the data cutoff when ongoing), inclusive. Dose reduction: a "
             "period in the dosing records with a lower dose than the drug's previous one, for any reason (adverse "
             "events recorded as leading to dose reduction are counted by the action taken for the event, with the "
             "adverse events). Interruption: a gap of more than one day between "
             "periods of a drug. Relative dose intensity: delivered dose over the starting dose given without a "
             "break, over the drug's span.",)
    return Table(title or f"Table. Exposure and dose modifications (N = {n})",
                 (Column("Exposure"), Column(f"Patients (N = {n})", align="right")), tuple(rows), notes)
