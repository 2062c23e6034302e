"""RECIST 1.1 data-entry checks on lesion measurements (Eisenhauer 2009, sections 3.2–3.3).

Baseline for these checks = each lesion's last record on or before the first regimen dose and at most
``[response] baseline_window_days`` before it (io.baseline), as in the RECIST engine.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from ..baseline import baseline_records
from .context import CheckContext, fmt_date
from .treatments import regimen_start_dates

MAX_TARGETS = 5
MAX_TARGETS_PER_ORGAN = 2
MIN_NON_NODAL_MM = 10.0
MIN_NODAL_SHORT_AXIS_MM = 15.0
# a site naming a lymph node (after NFKC and case folding): "lymph node", "LN 4R", "nodes", "淋巴结" — not "nodule"
LYMPH_NODE_SITE = re.compile(r"lymph|\bnodes?\b|\bnodal\b|\bln\b|淋巴")
STATUS_BY_KIND = {
    "target": ("present", "absent", "too_small", "not_evaluated"),
    "non_target": ("present", "absent", "progression", "not_evaluated"),
    "new": ("present", "equivocal"),
}


def _baseline(ctx: CheckContext) -> pd.DataFrame:
    """Baseline record of every lesion, with the patient's baseline date (io.baseline)."""
    lesions = ctx.tables["lesions"].dropna(subset=["patient_id", "assessment_date", "lesion_id"])
    drugs = ctx.config.regimen.drugs if ctx.config else ()
    window = ctx.config.response.baseline_window_days if ctx.config else 28
    return baseline_records(lesions, regimen_start_dates(ctx.tables["treatments"], drugs), window)


def names_lymph_node(site: object) -> bool:
    """True when a ``site`` text names a lymph node (:data:`LYMPH_NODE_SITE`)."""
    return isinstance(site, str) and bool(LYMPH_NODE_SITE.search(unicodedata.normalize("NFKC", site).casefold()))


def complete_nodal(lesions: pd.DataFrame) -> pd.DataFrame:
    """``nodal`` filled in where investigators naturally leave it blank: on non-target and new lesions it is read
    from ``site`` ("yes" when the site names a lymph node, else "no"). Target lesions keep a blank (an error:
    :func:`check_target_nodal`). Returns a copy; the input frame is not changed."""
    blank = lesions["nodal"].isna() & lesions["kind"].isin(["non_target", "new"])
    if not blank.any():
        return lesions
    lesions = lesions.copy()
    lesions.loc[blank, "nodal"] = ["yes" if names_lymph_node(s) else "no" for s in lesions.loc[blank, "site"]]
    return lesions


def target_nodal_blank(lesions: pd.DataFrame) -> pd.DataFrame:
    """Target lesion rows without ``nodal`` (the target's measure — longest diameter or short axis — depends on it)."""
    return lesions[(lesions["kind"] == "target") & lesions["nodal"].isna()]


TARGET_NODAL_MESSAGE = ("a target lesion needs nodal (yes/no): a nodal target is measured by its short axis "
                        "(RECIST 1.1); nodal may be blank for non-target and new lesions only")


def check_target_nodal(ctx: CheckContext) -> None:
    """A target lesion says whether it is a lymph node (blank is allowed on non-target and new lesions)."""
    blank = target_nodal_blank(ctx.tables["lesions"])
    blank = blank[~blank["source_row"].isin(ctx.unreadable("lesions", "nodal"))]
    ctx.flag("error", "lesions.target_nodal_blank", "lesions", blank, "nodal", TARGET_NODAL_MESSAGE)


def check_status_for_kind(ctx: CheckContext) -> None:
    """Each kind of lesion has its own statuses; diameters go with 'present' only."""
    lesions = ctx.tables["lesions"]
    for kind, allowed in STATUS_BY_KIND.items():
        bad = lesions[(lesions["kind"] == kind) & lesions["status"].notna() & ~lesions["status"].isin(allowed)]
        ctx.flag("error", "lesions.status_for_kind", "lesions", bad, "status",
                 f"a {kind.replace('_', '-')} lesion's status must be one of: {', '.join(allowed)}")
    measured_when_not_seen = lesions[lesions["status"].isin(["absent", "not_evaluated"])
                                     & (lesions["diameter_mm"] > 0)]
    ctx.flag("error", "lesions.diameter_with_status", "lesions", measured_when_not_seen, "diameter_mm",
             [f"a diameter is given but the status is '{s}'; leave diameter_mm blank or correct the status"
              for s in measured_when_not_seen["status"]])
    unmeasured = lesions[(lesions["kind"] == "target") & (lesions["status"] == "present")
                         & lesions["diameter_mm"].isna()
                         & ~lesions["source_row"].isin(ctx.unreadable("lesions", "diameter_mm"))]
    ctx.flag("error", "lesions.target_without_diameter", "lesions", unmeasured, "diameter_mm",
             "a present target lesion needs its diameter (mm)")


def check_kind_is_stable(ctx: CheckContext) -> None:
    """A lesion keeps its kind across assessments (a target stays a target)."""
    lesions = ctx.tables["lesions"].dropna(subset=["patient_id", "lesion_id", "kind", "assessment_date"])
    lesions = lesions.sort_values(["patient_id", "lesion_id", "assessment_date", "source_row"])
    first = lesions.groupby(["patient_id", "lesion_id"])["kind"].transform("first")
    first_row = lesions.groupby(["patient_id", "lesion_id"])["source_row"].transform("first")
    changed = lesions[lesions["kind"] != first]
    ctx.flag("error", "lesions.kind_changed", "lesions", changed, "kind",
             [f"lesion {lid} was a {k} lesion in row {int(r)}; a lesion keeps its kind (give a new lesion a new id)"
              for lid, k, r in zip(changed["lesion_id"], first[changed.index], first_row[changed.index])])


def check_baseline_targets(ctx: CheckContext) -> None:
    """At baseline: at most 5 targets, at most 2 per organ, each measurable; later targets must exist at baseline."""
    lesions = ctx.tables["lesions"].dropna(subset=["patient_id", "assessment_date", "lesion_id"])
    at_baseline = _baseline(ctx)  # computed once: both the dates and the baseline lesions come from it
    baseline = at_baseline.groupby("patient_id")["baseline_date"].first()
    lesions = lesions.join(baseline.rename("_baseline"), on="patient_id")
    no_baseline = lesions[lesions["_baseline"].isna()].drop_duplicates("patient_id")
    window = ctx.config.response.baseline_window_days if ctx.config else 28
    ctx.flag("warning", "lesions.no_baseline", "lesions", no_baseline, "assessment_date",
             f"this patient has no assessment on or up to {window} days before the first regimen dose "
             "(no baseline scan); response cannot be derived")
    targets = at_baseline[at_baseline["kind"] == "target"].sort_values(["patient_id", "source_row"])
    rank = targets.groupby("patient_id").cumcount()
    too_many = targets[rank >= MAX_TARGETS]
    ctx.flag("error", "lesions.too_many_targets", "lesions", too_many, "lesion_id",
             f"more than {MAX_TARGETS} target lesions at baseline (RECIST 1.1 allows {MAX_TARGETS} per patient)")
    organ = targets["site"].str.casefold().where(targets["nodal"] != "yes", "lymph node")
    organ_rank = targets.assign(_organ=organ).groupby(["patient_id", "_organ"]).cumcount()
    per_organ = targets[organ_rank >= MAX_TARGETS_PER_ORGAN]
    ctx.flag("error", "lesions.too_many_targets_in_organ", "lesions", per_organ, "site",
             f"more than {MAX_TARGETS_PER_ORGAN} target lesions in this organ at baseline (RECIST 1.1; all lymph "
             "nodes count as one organ)")
    nodal = targets["nodal"] == "yes"
    too_small = (~nodal & (targets["diameter_mm"] < MIN_NON_NODAL_MM)) | (
        nodal & (targets["diameter_mm"] < MIN_NODAL_SHORT_AXIS_MM))
    small = targets[(targets["status"] == "present") & too_small]
    ctx.flag("error", "lesions.not_measurable", "lesions", small, "diameter_mm",
             ["a nodal target needs a short axis of at least 15 mm at baseline" if n == "yes"
              else "a non-nodal target needs a longest diameter of at least 10 mm at baseline"
              for n in small["nodal"]])
    not_present = targets[targets["status"].notna() & (targets["status"] != "present")]
    ctx.flag("error", "lesions.baseline_target_not_measured", "lesions", not_present, "status",
             "a target lesion must be present and measured at baseline")
    new_at_baseline = at_baseline[at_baseline["kind"] == "new"]
    ctx.flag("error", "lesions.new_at_baseline", "lesions", new_at_baseline, "kind",
             "a lesion seen at baseline is not new; record it as target or non-target")
    baseline_ids = set(zip(targets["patient_id"], targets["lesion_id"]))
    later = lesions[(lesions["kind"] == "target") & (lesions["assessment_date"] > lesions["_baseline"])]
    in_baseline = pd.MultiIndex.from_frame(later[["patient_id", "lesion_id"]]).isin(list(baseline_ids))
    orphan = later[~in_baseline]
    orphan = orphan.drop_duplicates(["patient_id", "lesion_id"])
    ctx.flag("error", "lesions.target_without_baseline", "lesions", orphan, "lesion_id",
             [f"target lesion has no measurement at the baseline assessment {fmt_date(b)}"
              for b in orphan["_baseline"]])
