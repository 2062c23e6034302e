"""The vocabulary subset of the synthetic CDM: concept ids, names and hierarchy (docs/omop.md gives each id's source).

Real OHDSI concept ids are used where they were verified in public OMOP code or vocabulary files; the others are
in OMOP's local range (concept_id >= 2,000,000,000, reserved for site-specific concepts), so they can never be
mistaken for a real concept. ``SOURCES`` says which is which.
"""

from __future__ import annotations

LOCAL = 2_000_000_000  # OMOP: concept ids from 2 billion are for local (site) concepts

# id: (name, domain, vocabulary, concept class, standard flag, code)
CONCEPTS: dict[int, tuple[str, str, str, str, str, str]] = {
    # gender (OHDSI Gender vocabulary)
    8507: ("MALE", "Gender", "Gender", "Gender", "S", "M"),
    8532: ("FEMALE", "Gender", "Gender", "Gender", "S", "F"),
    # type concept: where a record came from
    32817: ("EHR", "Type Concept", "Type Concept", "Type Concept", "S", "OMOP4976890"),
    # conditions
    LOCAL + 1: ("Soft tissue sarcoma", "Condition", "Local", "Clinical Finding", "S", "STS"),
    LOCAL + 2: ("Synovial sarcoma", "Condition", "Local", "Clinical Finding", "S", "STS-SS"),
    LOCAL + 3: ("Leiomyosarcoma", "Condition", "Local", "Clinical Finding", "S", "STS-LMS"),
    200962: ("Primary malignant neoplasm of prostate", "Condition", "SNOMED", "Clinical Finding", "S", "93974005"),
    320128: ("Essential hypertension", "Condition", "SNOMED", "Clinical Finding", "S", "59621000"),
    LOCAL + 11: ("Hypothyroidism", "Condition", "Local", "Clinical Finding", "S", "HYPOT"),
    # drugs: ingredients and a clinical drug below anlotinib
    LOCAL + 101: ("anlotinib", "Drug", "Local", "Ingredient", "S", "ANLO"),
    LOCAL + 102: ("anlotinib 12 MG Oral Capsule", "Drug", "Local", "Clinical Drug", "S", "ANLO12"),
    45775965: ("pembrolizumab", "Drug", "RxNorm", "Ingredient", "S", "1547545"),
    45892628: ("nivolumab", "Drug", "RxNorm", "Ingredient", "S", "1597876"),
    1338512: ("doxorubicin", "Drug", "RxNorm", "Ingredient", "S", "3639"),
    1344905: ("carboplatin", "Drug", "RxNorm", "Ingredient", "S", "40048"),
    1378382: ("paclitaxel", "Drug", "RxNorm", "Ingredient", "S", "56946"),
    # measurement and progression
    LOCAL + 201: ("ECOG performance status", "Measurement", "Local", "Clinical Observation", "S", "ECOG"),
    LOCAL + 301: ("Disease progression", "Episode", "Local", "Disease Progression", "S", "PROG"),
}

SOFT_TISSUE_SARCOMA, SYNOVIAL_SARCOMA, LEIOMYOSARCOMA = LOCAL + 1, LOCAL + 2, LOCAL + 3
PROSTATE_CANCER, HYPERTENSION, HYPOTHYROIDISM = 200962, 320128, LOCAL + 11
ANLOTINIB, ANLOTINIB_CAPSULE = LOCAL + 101, LOCAL + 102
PEMBROLIZUMAB, NIVOLUMAB, DOXORUBICIN, CARBOPLATIN, PACLITAXEL = 45775965, 45892628, 1338512, 1344905, 1378382
ECOG, PROGRESSION = LOCAL + 201, LOCAL + 301
MALE, FEMALE, EHR = 8507, 8532, 32817

# (ancestor, descendant, levels of separation); every concept is also its own descendant at level 0
HIERARCHY = ((SOFT_TISSUE_SARCOMA, SYNOVIAL_SARCOMA, 1), (SOFT_TISSUE_SARCOMA, LEIOMYOSARCOMA, 1),
             (ANLOTINIB, ANLOTINIB_CAPSULE, 1))

SOURCES = {
    8507: "verified: OMOP code in public repositories (gender_concept_id = 8507 male, 8532 female)",
    8532: "verified: as 8507",
    32817: "verified: OMOP data-quality tables in public repositories (condition_type_concept_id 32817 = EHR)",
    200962: "verified: OHDSI/Athena test data (SNOMED 93974005, Primary malignant neoplasm of prostate)",
    320128: "seen as Hypertension in public OMOP test code; not checked against Athena",
    45775965: "verified: public OMOP Spark SQL and R code (pembrolizumab RxNorm ingredient)",
    45892628: "verified: public OMOP Spark SQL (nivolumab RxNorm ingredient)",
    1338512: "verified: public OMOP R code (doxorubicin RxNorm ingredient)",
    1344905: "verified: public OMOP code (carboplatin RxNorm ingredient)",
    1378382: "verified: public OMOP code (paclitaxel RxNorm ingredient)",
}
LOCAL_SOURCE = ("local concept (>= 2,000,000,000): the real id could not be verified here (anlotinib is in RxNorm "
                "Extension; sarcoma, ECOG and progression concepts vary by vocabulary release)")


def source_of(concept_id: int) -> str:
    """Where a concept id of the subset comes from, in words."""
    return LOCAL_SOURCE if concept_id >= LOCAL else SOURCES[concept_id]
