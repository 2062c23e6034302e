"""oncocohort: oncology treatment-cohort studies from patient-level data.

Python API: ``load_study(path) -> Study`` reads and validates a study folder (raises StudyInputError
listing every problem); ``validate_study(path) -> ValidationReport`` never raises.
"""

from .io import Problem, Study, StudyConfig, StudyInputError, ValidationReport, load_study, validate_study

__version__ = "0.1.0"

__all__ = ["Problem", "Study", "StudyConfig", "StudyInputError", "ValidationReport", "__version__", "load_study",
           "validate_study"]
