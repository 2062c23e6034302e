"""PFS under the alternative censoring rules of ``[endpoints]`` (FDA 2018 guidance, Table), for a sensitivity
analysis side by side with the primary definition (docs/endpoints.md).

Each variant changes one rule of the study's own settings, the rest kept:

- ``new therapy ignored`` / ``censored at new therapy``: the opposite of ``censor_at_new_therapy``;
- ``missed assessments``: PD or death after two or more missed assessments censored at the last evaluable one
  (off when the study uses it: then "events after missed assessments counted"); the interval is
  ``assessment_interval_days`` or, when not set, the median gap between consecutive evaluable assessments of
  the cohort (stated in the label);
- ``every PD or death an event``: neither new-therapy nor missed-assessment censoring (the most inclusive).

Returns long ADTTE-like rows (one per patient and variant) with the variant's label in ``rule``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .time_to_event import EndpointOptions, progression_free_survival

PRIMARY = "primary (study settings)"


def observed_assessment_interval(visits: pd.DataFrame) -> float | None:
    """Median days between consecutive evaluable assessments of the same patient, or None with none."""
    evaluable = visits[visits["overall_response"].notna() & visits["overall_response"].ne("NE")]
    dates = evaluable.assign(assessment_date=pd.to_datetime(evaluable["assessment_date"]))
    gaps = dates.sort_values("assessment_date").groupby("patient_id")["assessment_date"].diff().dt.days.dropna()
    return float(np.median(gaps)) if len(gaps) else None


def censoring_variants(options: EndpointOptions, visits: pd.DataFrame) -> list[tuple[str, EndpointOptions]]:
    """The primary options and each alternative (module docstring), labelled in words."""
    variants = [(PRIMARY, options)]
    if options.censor_at_new_therapy:
        variants.append(("new anticancer therapy ignored", replace(options, censor_at_new_therapy=False)))
    else:
        variants.append(("censored at new anticancer therapy", replace(options, censor_at_new_therapy=True)))
    if options.missed_assessments:
        variants.append(("events after missed assessments counted", replace(options, missed_assessments=None)))
    else:
        interval = options.assessment_interval_days or observed_assessment_interval(visits)
        if interval:
            source = "" if options.assessment_interval_days else " (observed median interval)"
            variants.append((f"censored after ≥ 2 missed assessments, {interval:g} days apart{source}",
                             replace(options, missed_assessments=2, assessment_interval_days=int(round(interval)))))
    inclusive = replace(options, censor_at_new_therapy=False, missed_assessments=None)
    if inclusive != options and all(v != inclusive for _, v in variants):
        variants.append(("every progression or death an event", inclusive))
    return variants


def pfs_censoring_sensitivity(index_dates: pd.Series, visits: pd.DataFrame, followup: pd.DataFrame,
                              options: EndpointOptions) -> pd.DataFrame:
    """PFS rows of every patient under each censoring variant, with the variant's label in column ``rule``."""
    frames = [progression_free_survival(index_dates, visits, followup, variant).assign(rule=label)
              for label, variant in censoring_variants(options, visits)]
    return pd.concat(frames, ignore_index=True)
