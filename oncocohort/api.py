"""The one-call Python API: a study folder (or a loaded :class:`Study`) → every statistic of the study.

``analyse(study_or_path)`` = ``load_study`` (validation; raises :class:`StudyInputError` listing every problem)
→ ``derive_study`` (cutoff, index date, eligibility, endpoints, response, exposure, adverse events)
→ ``analyse_study`` (the analysis-results data the report is built from). See docs/python-api.md.
"""

from __future__ import annotations

from pathlib import Path

from .io import Study, StudyInputError, load_study


class CohortNotAnalysable(ValueError):
    """The study is valid but its cohort cannot be analysed (e.g. no patient meets the eligibility criteria);
    the message says why in words."""


def analyse(study_or_path: Study | str | Path):
    """Analyse a study → :class:`oncocohort.stats.study_analysis.StudyResults`.

    Parameters
    ----------
    study_or_path : a study folder (study.toml + study.xlsx or CSV tables) or a :class:`Study` from
        :func:`load_study`.

    Raises
    ------
    StudyInputError : the folder has validation errors (every one listed, as ``oncocohort validate``).
    CohortNotAnalysable : eligibility leaves nothing to analyse.
    """
    from .derive.analysis_datasets import derive_study
    from .stats.study_analysis import analyse_study

    study = study_or_path if isinstance(study_or_path, Study) else load_study(study_or_path)
    datasets = derive_study(study)
    if datasets.eligibility.errors:
        raise CohortNotAnalysable("; ".join(datasets.eligibility.errors))
    return analyse_study(datasets, study.config)


__all__ = ["CohortNotAnalysable", "StudyInputError", "analyse"]
