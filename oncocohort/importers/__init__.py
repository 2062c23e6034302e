"""Importers: study data kept elsewhere (CDISC SDTM, REDCap, SPSS/SAS/Stata/Excel files with other names) → a
study folder in oncocohort's own format, with a mapping report saying what went where and what was left out.

Every importer ends the same way (:mod:`.study_folder`): the tables are written to a staging folder, validated
exactly as ``oncocohort validate`` would, and only then moved to the output folder, so an import never leaves a
half-written study behind. CDISC ADaM is different: it is already analysed data, so :mod:`.adam` turns it into
analysis datasets directly (no derivation).
"""
