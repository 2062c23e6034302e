"""oncocohort: oncology treatment-cohort studies from patient-level data.

Python API (docs/python-api.md): ``analyse(study_or_path) -> StudyResults`` runs the whole analysis;
``load_study(path) -> Study`` reads and validates a study folder (raises StudyInputError listing every problem);
``validate_study(path) -> ValidationReport`` never raises.
"""

from .api import CohortNotAnalysable, analyse
from .io import Problem, Study, StudyConfig, StudyInputError, ValidationReport, load_study, validate_study

__version__ = "0.1.0"

__all__ = ["CohortNotAnalysable", "Problem", "Study", "StudyConfig", "StudyInputError", "ValidationReport",
           "__version__", "analyse", "load_study", "validate_study"]
