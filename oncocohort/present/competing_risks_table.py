"""PFS events by cause (progression / death without progression) and the cumulative incidence of each at the
study's landmarks with pointwise CIs. Reads :class:`oncocohort.stats.study_competing.CompetingPfs`."""

from __future__ import annotations

from ..stats.study_competing import CAUSE_LABELS, CompetingPfs
from .formatting import count_percent, percent, percent_ci
from .table import Column, Row, Table


def competing_risks_table(result: CompetingPfs, time_unit: str, title: str | None = None) -> Table:
    """Events n (%) per cause, then per cause the cumulative incidence % (95% CI) at each time."""
    n = result.n
    times = result.times
    columns = (Column("Progression-free survival event"), Column(f"Patients (N = {n})", align="right"),
               *(Column(f"{t:g} {time_unit}", spanner="Cumulative incidence, % (95% CI)", align="right")
                 for t in times))
    blank = ("",) * len(times)
    rows = [Row(("Any PFS event", count_percent(result.progression + result.death_without_progression, n),
                 *blank))]
    for cause, count in (("1", result.progression), ("2", result.death_without_progression)):
        curve = result.summary.curve(cause)
        at = curve.at(times)
        cells = tuple("NE" if est != est else percent(est) if lo != lo else f"{percent(est)} ({percent_ci(lo, hi)})"
                      for est, lo, hi in zip(at.estimate, at.lower, at.upper))
        rows.append(Row((CAUSE_LABELS[cause], count_percent(count, n), *cells), indent=1))
    rows.append(Row(("Censored", count_percent(result.censored, n), *blank)))
    conf = round(100 * result.summary.curves[0].conf_level) if result.summary.curves else 95
    notes = (f"Cumulative incidence by the Aalen–Johansen estimator, each cause treating the other as a competing "
             f"event (not censoring); variance as R cmprsk::cuminc; {conf}% pointwise CI on the log(−log) scale. "
             f"Classification: {result.rule}. No interval where the incidence is 0 or 1; NE: beyond the longest "
             "follow-up.",)
    return Table(title or "Table. Progression or death without progression: competing risks",
                 columns, tuple(rows), notes)
