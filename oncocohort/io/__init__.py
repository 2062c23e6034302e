"""Reading and validating study folders (study.toml + study.xlsx or CSVs) into a typed :class:`Study`."""

from .config import StudyConfig
from .problems import Problem
from .study import Study, StudyInputError, ValidationReport, load_study, validate_study

__all__ = ["Problem", "Study", "StudyConfig", "StudyInputError", "ValidationReport", "load_study",
           "validate_study"]
