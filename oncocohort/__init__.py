"""oncocohort: oncology treatment-cohort studies from patient-level data.

Python API (docs/python-api.md): ``analyse(study_or_path) -> StudyResults`` runs the whole analysis;
``load_study(path) -> Study`` reads and validates a study folder (raises StudyInputError listing every problem);
``validate_study(path) -> ValidationReport`` never raises.

The names are imported on first use (:mod:`oncocohort._lazy`), so ``import oncocohort`` — and the command line's
start, ``--help`` — does not load pandas.
"""

from ._lazy import lazy_attributes

__version__ = "0.1.0"

_PUBLIC = {
    "CohortNotAnalysable": ".api",
    "analyse": ".api",
    "Problem": ".io",
    "Study": ".io",
    "StudyConfig": ".io",
    "StudyInputError": ".io",
    "ValidationReport": ".io",
    "load_study": ".io",
    "validate_study": ".io",
}
__all__ = ["CohortNotAnalysable", "Problem", "Study", "StudyConfig", "StudyInputError", "ValidationReport",
           "__version__", "analyse", "load_study", "validate_study"]

__getattr__ = lazy_attributes(__name__, _PUBLIC)
