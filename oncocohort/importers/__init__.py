"""Importers: study data kept elsewhere (CDISC SDTM, REDCap, SPSS/SAS/Stata/Excel files with other names) → a
study folder in oncocohort's own format, with a mapping report saying what went where and what was left out.

Every importer ends the same way (:mod:`.study_folder`): the tables are written to a staging folder, validated
exactly as ``oncocohort validate`` would, and only then moved to the output folder, so an import never leaves a
half-written study behind. CDISC ADaM is different: it is already analysed data, so :mod:`.adam` turns it into
analysis datasets directly (no derivation).
"""

from __future__ import annotations

from .._lazy import lazy_attributes

_PUBLIC = {
    "ImportFailed": ".datasets",
    "adam_datasets": ".adam",
    "import_redcap": ".redcap",
    "import_sdtm": ".sdtm",
    "import_table_files": ".table_files",
    "write_study_folder": ".study_folder",
}
__all__ = sorted(_PUBLIC)

__getattr__ = lazy_attributes(__name__, _PUBLIC)
