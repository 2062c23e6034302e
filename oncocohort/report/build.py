"""`oncocohort report`: a study folder → the complete analysis in one folder.

Stages (each reported on the terminal): validate → derive → statistics → reconcile → tables and figures →
narrative → write. Refuses to go on after validation errors; stops if the numbers do not reconcile
(:mod:`oncocohort.report.reconcile`). Everything is written into a hidden staging folder beside ``--out`` and
swapped in whole only when complete (:mod:`oncocohort.report.output_folder`), so a failed run never leaves a report
that looks finished, nor anything else, and a rerun never mixes old files with new ones.

Outputs: ``report.html`` (:mod:`.html_document`: table of contents, figures embedded as PNG data up to a size,
every data string escaped, print stylesheet), ``report.docx`` (:mod:`.docx_document`: three-line tables fitted to
the page, Caption style with SEQ fields, A4 or Letter), ``report.pdf`` (:mod:`.pdf`: by WeasyPrint, Chromium or
LibreOffice; only with ``pdf`` in the formats), ``results.json``, ``checklist.json`` (:mod:`.checklist`),
``tables/table_NN_<key>.csv|md|html|docx``, ``figures/figure_NN_<key>.png|svg|pdf`` — tables and figures numbered
in document order (:mod:`.layout`,
:mod:`.numbering`), the same numbers in file names, captions and text — and ``datasets/`` (derived datasets,
attrition, listings). ``style`` (:mod:`oncocohort.present.journal_style`) is active while tables, figures and text
are written.
"""

from __future__ import annotations

import re
import time
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..derive.analysis_datasets import derive_study
from ..derive.preview import nobody_included_message
from ..derive.writer import write_datasets
from ..engine.suppression import suppression_footnote
from ..io.config import CONFIG_NAME, read_config
from ..io.problems import ProblemLog, problems_to_text
from ..io.study import validate_study
from ..memory import release_free_memory
from ..present.adjusted_table import adjusted_tables
from ..present.adverse_event_category_table import adverse_event_category_table
from ..present.adverse_event_table import adverse_event_table
from ..present.baseline_table import baseline_table
from ..present.competing_risks_table import competing_risks_table
from ..present.design_table import next_trial_table
from ..present.docx_layout import MARGIN
from ..present.docx_layout import PAPERS as PAPER_SIZES
from ..present.efficacy_table import efficacy_table
from ..present.esmo_mcbs_table import esmo_mcbs_table
from ..present.exposure_table import exposure_table
from ..present.figure_formats import DEFAULT_FIGURE_FORMATS, describe, figure_formats
from ..present.formatting import number, plural
from ..present.journal_style import active_style, get_style, use_style
from ..present.landmark_table import censoring_sensitivity_table, os_by_response_table
from ..present.render import needs_landscape, strip_label, to_csv, to_docx, to_html, to_markdown
from ..present.response_detail_table import response_detail_table
from ..present.rmst_table import rmst_comparison_table
from ..present.subgroup_table import subgroup_table
from ..present.survival_table import survival_table
from ..present.table import Table
from ..present.ungraded_adverse_event_table import ungraded_adverse_event_table
from ..present.vocabulary import Vocabulary, in_sentence, undefined_abbreviations, with_abbreviations
from ..stats.study_analysis import DAYS_PER_UNIT, NotEstimable, StudyResults, analyse_study, rmst_horizon
from ..stats.study_competing import CAUSE_LABELS
from .checklist import checklist_json, checklist_tables, checklists
from .data_notes import data_notes, subgroup_notes
from .disclosure import (
    disclose_results,
    disclose_subgroup_levels,
    disclose_tables,
    disclose_text,
    methods_sentence,
    response_levels_hidden,
    small_count,
)
from .docx_document import write_report_docx
from .figure_files import FigurePlan, FigureProcesses, drawing_order, start_figure_processes, start_figures
from .html_document import report_html
from .layout import plan_items, plan_sections
from .narrative import methods_paragraph, results_paragraphs
from .output_folder import OutputFolderRefused, check_replaceable, staged_output
from .pdf import PdfUnavailable, choose_engine, libreoffice, write_pdf  # noqa: F401 (libreoffice: API)
from .reconcile import ReconciliationError, reconcile
from .results_json import json_text, results_dict

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MatplotlibFigure

FORMATS = ("html", "docx", "pdf")
PAPERS = ("a4", "letter")
CRITERIA_NAMES = {"recist1.1": "RECIST 1.1", "irecist": "iRECIST", "choi": "Choi criteria",
                  "recorded": "as recorded by the investigators"}
SYNTHETIC_BANNER = ("SYNTHETIC DATA — reconstructed from published aggregates, not patient data. For demonstration "
                    "only.")


class ReportError(Exception):
    """The report cannot be written; the message says why in words (validation errors, numbers that disagree,
    a missing converter)."""


@dataclass(frozen=True)
class Figure:
    """A drawn figure: its key (file name end, layout place), caption without a number, and what it shows."""

    key: str
    caption: str
    figure: MatplotlibFigure
    topic: str = ""


# what each table shows, for the sentence citing a table the text does not mention
TABLE_TOPICS = {"baseline": "the baseline characteristics", "efficacy": "the best overall response and response "
                "rates", "survival": "the survival outcomes", "subgroups_pfs": "progression-free survival by "
                "subgroup with the Cox models", "adverse_events": "the treatment-emergent adverse events by maximum "
                "grade", "adverse_events_related": "the treatment-related adverse events",
                "response_detail": "confirmed and unconfirmed response rates, duration of response and time to "
                "response", "subgroups_os": "overall survival by subgroup with the Cox models",
                "adverse_event_categories": "serious adverse events and adverse events leading to a change of "
                "treatment",
                "exposure": "treatment exposure and dose modifications",
                "adverse_events_ungraded": "the patients with each adverse event recorded without a grade",
                "competing_pfs": "progression and death without progression as competing risks",
                "os_by_response": "overall survival by response at a landmark (free of immortal-time bias)",
                "pfs_censoring": "progression-free survival under alternative censoring rules",
                "next_trial_design": "the Simon two-stage design proposed for the next trial",
                "rmst_subgroups": "the restricted mean survival time of two-group subgroups, their difference and "
                "ratio",
                "esmo_mcbs": "the preliminary clinical-benefit grade (European Society for Medical Oncology scale, "
                              "single-arm form) with every rule applied"}


@dataclass
class Progress:
    """Prints one line per stage with its duration (``echo`` = None: silent)."""

    echo: object = print
    started: float = field(default_factory=time.perf_counter)

    def __call__(self, stage: str, detail: str = "") -> None:
        if self.echo is not None:
            elapsed = time.perf_counter() - self.started
            self.echo(f"[{elapsed:5.2f} s] {stage}" + (f": {detail}" if detail else ""))


def landmark_tables(results: StudyResults) -> dict[str, Table]:
    """OS by response at the landmark and the PFS censoring-sensitivity table, where the study has them."""
    if results.landmarks is None:
        return {}
    if not results.response_assessed:  # OS by response needs response assessments
        return {key: t for key, t in {"pfs_censoring": censoring_sensitivity_table(results.landmarks.censoring)
                                      }.items() if t is not None}
    tables = {"os_by_response": os_by_response_table(results.landmarks, results.time_unit),
              "pfs_censoring": censoring_sensitivity_table(results.landmarks.censoring)}
    return {key: table for key, table in tables.items() if table is not None}


def build_tables(results: StudyResults) -> dict[str, Table]:
    unit = results.time_unit
    pfs_cox = next((c for c in results.cox if c.endpoint == "PFS"), None)
    os_cox = next((c for c in results.cox if c.endpoint == "OS"), None)
    tables = {
        "baseline": baseline_table(results.baseline, results.n_included),
        "efficacy": efficacy_table(results.response, results.response_subgroups,
                                   title="Table. Best overall response and response rates "
                                   f"({CRITERIA_NAMES[results.config.response.criteria]})"),
        "response_detail": response_detail_table(results.response_detail, results.n_included, unit),
        "survival": survival_table(results.survival, unit, follow_up=results.follow_up),
        "subgroups_pfs": subgroup_table(tuple(g for g in results.subgroup_survival if g.endpoint == "PFS"),
                                        pfs_cox, unit),
        "subgroups_os": subgroup_table(tuple(g for g in results.subgroup_survival if g.endpoint == "OS"),
                                       os_cox, unit, title="Table. OS by subgroup, univariable and "
                                       "multivariable Cox regression"),
        "adverse_events": adverse_event_table(results.adverse_events),
        "adverse_event_categories": adverse_event_category_table(
            results.adverse_event_categories, results.n_included, results.adverse_events.ctcae_version),
        "adverse_events_related": adverse_event_table(results.related_adverse_events),
        "exposure": exposure_table(results.exposure, vocabulary=Vocabulary.from_labels(results.config.labels)),
        **adjusted_tables(results.adjusted, Vocabulary.from_labels(results.config.labels)),
    }
    if not results.response_assessed:  # no tumour response assessments: no response table (said in the text)
        del tables["efficacy"], tables["response_detail"]
    if not results.has_graded_adverse_events:  # only events without a grade: no CTCAE-graded table
        del tables["adverse_events"], tables["adverse_event_categories"], tables["adverse_events_related"]
    if results.ungraded_adverse_events is not None:
        tables["adverse_events_ungraded"] = ungraded_adverse_event_table(results.ungraded_adverse_events)
    if results.competing_pfs is not None:
        tables["competing_pfs"] = competing_risks_table(results.competing_pfs, unit)
    tables.update(landmark_tables(results))
    if (design := next_trial_table(results.next_trial)) is not None:
        tables["next_trial_design"] = design
    rmst = rmst_comparison_table(results.subgroup_survival, rmst_horizon(results.config.analysis), unit)
    if rmst is not None:
        tables["rmst_subgroups"] = rmst
    vocabulary = Vocabulary.from_labels(results.config.labels)
    tables = {name: with_abbreviations(t, vocabulary) for name, t in tables.items()}  # SS, ECOG … under each table
    if results.synthetic:
        tables = {name: _mark_synthetic(t) for name, t in tables.items()}
    return tables


def _mark_synthetic(table: Table) -> Table:
    return replace(table, footnotes=(*table.footnotes, SYNTHETIC_BANNER))


def _risk_times(fits, step: float = 6.0) -> list[float]:
    longest = max(float(f.time.max()) for f in fits if len(f.time))
    return list(np.arange(0, longest + step, step))


def _km_annotation(e, unit: str, min_cell: int = 0) -> str:
    """The KM panel's text: "Median 7.6 months; 24 events / 32 patients" ("No events in 1 patient"; "fewer than 5
    events" with small-cell suppression)."""
    median = f"Median {number(e.median.estimate, 1)} {unit}; " if np.isfinite(e.median.estimate) else ""
    events, n = (small_count(e.events, min_cell), small_count(e.n, min_cell))
    counts = (f"{plural(events, 'event')} / {plural(n, 'patient')}" if e.events
              else f"no events in {plural(n, 'patient')}")
    text = median + counts
    return text[:1].upper() + text[1:]


def _with_footnote(caption: str, suppressed: bool, min_cell: int) -> str:
    """A figure caption with the small-cell footnote when the figure hides a count."""
    return f"{caption} {suppression_footnote(min_cell)}" if suppressed else caption


def build_figures(results: StudyResults) -> list[Figure]:
    """Every figure of the report, drawn (in this process; the report draws them in workers, :mod:`.figure_files`)."""
    figures = []
    for plan in figure_plans(results):
        caption, figure = plan.draw()
        figures.append(Figure(plan.key, caption, figure, plan.topic))
    return figures


def _journal_ticks(draw):
    """``draw`` followed by the tick labels in the active journal style's decimal mark, as the figures' own texts
    (the style is active in the figure workers too, :mod:`.figure_files`)."""
    def drawn():
        from ..present.figure_style import use_decimal_mark

        caption, figure = draw()
        use_decimal_mark(figure, active_style().decimal_mark)
        return caption, figure
    return drawn


def figure_plans(results: StudyResults) -> list[FigurePlan]:
    """The report's figures in order, not yet drawn: which figures the study has, their keys and topics (known
    before drawing, so they can be numbered while they are drawn elsewhere) and their drawing cost relative to a
    one-curve KM figure (CPU time measured on the demo, for the order of drawing only). The figure modules
    (matplotlib) are imported by the draw functions, in the process that draws (:mod:`.figure_files`)."""
    unit, days = results.time_unit, DAYS_PER_UNIT[results.time_unit]
    plans = []

    criteria = CRITERIA_NAMES[results.config.response.criteria] if results.response_assessed else \
        "no tumour response assessment in the data"

    def flow():
        from ..present.consort_figure import consort_figure

        n_evaluable = int(results.patients["best_overall_response"].ne("NE").sum())
        consort = consort_figure(results.attrition, n_evaluable, results.endpoint("PFS").n, criteria=criteria,
                                 min_cell=results.min_cell)
        return _with_footnote("Study flow: patients screened, excluded (with reasons) and analysed.",
                              consort.suppressed, results.min_cell), consort.figure
    plans.append(FigurePlan("flow", "the study flow", flow))
    orr = dict(results.response.rates).get("ORR")
    if results.has_lesion_measurements:  # recorded responses: no target-lesion sums to draw (said in the text)
        def waterfall():
            from ..present.waterfall_figure import waterfall_figure

            drawn = waterfall_figure(results.patients, orr)
            return ("Best change in the sum of target lesions from baseline per patient, coloured by best overall "
                    f"response ({criteria}). {drawn.caption}", drawn.figure)

        def spider():
            from ..present.spider_figure import spider_figure

            drawn = spider_figure(results.visits, results.patients, days, unit)
            return ("Change in the sum of target lesions from baseline over time, one line per patient (no "
                    f"interpolation over missing scans). {drawn.caption}", drawn.figure)
        plans.append(FigurePlan("waterfall", "the best change in target lesions per patient", waterfall))
        plans.append(FigurePlan("spider", "the change in target lesions over time", spider, cost=1.4))

    def swimmer():
        from ..present.swimmer_figure import swimmer_figure

        drawn = swimmer_figure(results.patients, days, unit)
        return ("Time on treatment per patient with first response, progression and death; arrows: on treatment "
                f"at the data cutoff. {drawn.caption}", drawn.figure)
    if results.response_assessed and len(results.patients):  # marks responses and progressions of each patient
        plans.append(FigurePlan("swimmer", "the time on treatment per patient", swimmer, cost=2.2))
    for e in results.survival:
        def km(e=e):
            from ..present.figure_style import probability_axis_label, time_axis_label
            from ..present.km_figure import km_figure

            curve = km_figure({e.label: e.fit}, _risk_times([e.fit]), xlabel=time_axis_label(unit),
                              ylabel=probability_axis_label(e.label),
                              annotation=_km_annotation(e, unit, results.min_cell), min_cell=results.min_cell)
            return (_with_footnote(f"Kaplan–Meier estimate of {e.label.lower()} with censoring marks and the number "
                                   "at risk.", curve.suppressed, results.min_cell), curve.figure)
        plans.append(FigurePlan(f"km_{e.endpoint.lower()}", f"the Kaplan–Meier estimate of {e.label.lower()}", km))
    if results.competing_pfs is not None:
        def cif():
            figure = _cif_pfs(results.competing_pfs, unit, results.min_cell)
            return figure.caption, figure.figure
        plans.append(FigurePlan("cif_pfs", "the cumulative incidence of progression and of death without progression",
                                cif))
    for group in results.subgroup_survival:
        if group.endpoint != "PFS" or len(group.levels) < 2:
            continue

        def km_by(group=group):
            from ..present.figure_style import probability_axis_label, time_axis_label
            from ..present.km_figure import km_figure

            fits = {f"{lv.level}": lv.fit for lv in group.levels}
            curve = km_figure(fits, _risk_times(fits.values()), xlabel=time_axis_label(unit),
                              ylabel=probability_axis_label("Progression-free survival"), test=group.logrank,
                              min_cell=results.min_cell)
            return (_with_footnote(f"Progression-free survival by {in_sentence(group.factor)}.", curve.suppressed,
                                   results.min_cell), curve.figure)
        plans.append(FigurePlan(f"km_pfs_by_{_slug(group.field)}",
                                f"progression-free survival by {in_sentence(group.factor)}", km_by,
                                cost=1 + 0.15 * len(group.levels)))
    # with small-cell suppression a bar would give a hidden count back: the figure is left out (the table marks it)
    if (results.response_subgroups and results.response_assessed
            and not response_levels_hidden(results.response_subgroups, results.min_cell)):
        def orr_bars():
            from ..present.orr_bars_figure import orr_bars_figure

            bars = orr_bars_figure(results.response_subgroups)
            tests = "; ".join(sorted({f"{g.factor}: {g.test.method}" for g in results.response_subgroups if g.test}))
            return ("Objective response rate by subgroup"
                    f"{f' ({orr.method_label})' if orr else ''}; labels: responders/patients"
                    + (f"; p by {tests}." if tests else "."), bars.figure)
        plans.append(FigurePlan("orr_by_subgroup", "the objective response rate by subgroup", orr_bars, cost=1.2))
    cox = next((c for c in results.cox if c.endpoint == "PFS"), None)
    labels = {g.field: g.factor for g in results.subgroup_survival}
    pfs_subgroups, forest_hidden = disclose_subgroup_levels(
        [g for g in results.subgroup_survival if g.endpoint == "PFS"], results.min_cell)
    if cox is not None:
        model = cox.multivariable if cox.multivariable is not None else (cox.univariable[0][1]
                                                                          if cox.univariable else None)
        if model is not None and not isinstance(model, NotEstimable):
            def forest():
                from ..present.forest_figure import forest_figure, forest_rows

                drawn = forest_figure(forest_rows(model, labels, pfs_subgroups, dict(cox.references)))
                return _with_footnote("Hazard ratios for progression-free survival, each level against its factor's "
                                      f"reference level; {model.method}.",
                                      forest_hidden, results.min_cell), drawn.figure
            plans.append(FigurePlan("forest_pfs", "the hazard ratios for progression-free survival", forest,
                                    cost=1.8))
        if cox.univariable:
            def forest_subgroups():
                from ..present.forest_figure import forest_figure, subgroup_forest_rows

                drawn = forest_figure(subgroup_forest_rows(cox.univariable, labels, pfs_subgroups,
                                                          dict(cox.references)))
                return (_with_footnote("Hazard ratios for progression-free survival by subgroup (univariable Cox "
                                       "model per factor; p: likelihood-ratio test of the factor).", forest_hidden,
                                       results.min_cell), drawn.figure)
            plans.append(FigurePlan("forest_pfs_subgroups", "the hazard ratio of each subgroup level",
                                    forest_subgroups, cost=1.8))
    return [replace(plan, draw=_journal_ticks(plan.draw)) for plan in plans]


def _cif_pfs(result, unit: str, min_cell: int = 0) -> Figure:
    """The cumulative incidence of progression and of death without progression (stats/study_competing.py)."""
    from ..present.cif_figure import cif_figure
    from ..present.figure_style import time_axis_label

    times = sorted(result.risk_table["time"].unique())
    drawn = cif_figure(list(result.summary.curves), result.risk_table, times, cause_labels=CAUSE_LABELS,
                       xlabel=time_axis_label(unit), ci_bands=True, min_cell=min_cell)
    return Figure("cif_pfs", _with_footnote(
        "Cumulative incidence of progression and of death without progression, each the other's competing event "
        "(Aalen–Johansen; shaded: pointwise 95% CI), with the number at risk.", drawn.suppressed, min_cell),
        drawn.figure, "the cumulative incidence of progression and of death without progression")


def narrative_citations(numbering) -> dict[str, str]:
    """The narrative's references ("flow", "km", …) as the report numbers them ("Figure 1", "Figures 5 and 6");
    "" for an item the report does not have (the narrative then leaves the reference out)."""
    keys = {"flow": ("flow",), "baseline": ("baseline",), "waterfall": ("waterfall",),
            "km": tuple(item.key for item in numbering if re.fullmatch(r"km_[a-z]+", item.key)),
            "subgroups_pfs": ("subgroups_pfs",), "subgroups_os": ("subgroups_os",),
            "adverse_events": ("adverse_events",), "next_trial_design": ("next_trial_design",),
            "adverse_events_ungraded": ("adverse_events_ungraded",)}
    keys.update({key: (key,) for key in keys["km"]})  # each endpoint's figure, "km_ttd" …
    return {name: numbering.cite(*items) for name, items in keys.items()}


def _slug(text: str) -> str:
    """A file-name-safe key part: lower-case letters, digits and underscores only."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "item"


def analyse_folder(study_dir, progress: Progress | None = None):
    """Validate, derive and analyse a study folder → (study, datasets, results); raises ReportError with every
    validation problem. The study comes back without its input tables (``tables`` empty; settings, warnings and
    category merges kept): nothing after derivation reads them, and holding them through the statistics, tables
    and figures kept ≈ 0.9 GB of a 10⁵-patient report's memory."""
    progress = progress or Progress(None)
    report = validate_study(study_dir)
    if report.study is None:
        raise ReportError(problems_to_text(report.problems) + f"\n{study_dir}: NOT valid — no report written "
                          "(fix the errors above and run again)")
    progress("validate", "ok" + (f" ({len(report.warnings)} warning(s))" if report.warnings else ""))
    datasets = derive_study(report.study)
    if datasets.eligibility.errors:
        raise ReportError("\n".join(f"eligibility: {e}" for e in datasets.eligibility.errors))
    progress("derive", f"{len(datasets.eligibility.screened)} screened, {len(datasets.eligibility.included)} "
             "included")
    for warning in datasets.warnings:
        progress("warning", warning)
    if not len(datasets.eligibility.included):  # the message `validate` gives (derive.preview)
        steps = "; ".join(f"{row.criterion}: {row.n_excluded} excluded" for row in datasets.attrition.itertuples()
                          if row.n_excluded)
        raise ReportError(f"{nobody_included_message(report.study)} ({steps}); nothing to analyse, no report "
                          "written")
    study = replace(report.study, tables={})  # the input tables let go (docstring), their memory given back
    del report
    release_free_memory()
    results = analyse_study(datasets, study.config)
    progress("statistics", "response, survival, subgroups, Cox, adverse events, exposure")
    return study, datasets, results


def analyse_adam(adam_dir, config_file=None, population: str = "SAFFL", confirmed: bool = False,
                 progress: Progress | None = None):
    """ADaM data sets analysed as they are (no derivation) → (datasets, results); settings from ``config_file``
    (a study.toml) or defaults. Raises ReportError for unreadable input."""
    from ..importers.adam import adam_datasets
    from ..importers.datasets import ImportFailed

    progress = progress or Progress(None)
    config = None
    if config_file is not None:
        config_file = Path(config_file)
        if config_file.is_file() and config_file.name != CONFIG_NAME:
            raise ReportError(f"{config_file}: --config takes a {CONFIG_NAME} (or the folder holding one)")
        log = ProblemLog()
        config = read_config(config_file if config_file.is_dir() else config_file.parent, log)
        if config is None or any(p.severity == "error" for p in log.problems):
            raise ReportError(problems_to_text(log.problems) + f"\n{config_file}: NOT valid — no report written")
    try:
        datasets, config, notes = adam_datasets(adam_dir, config, population, confirmed)
    except ImportFailed as exc:
        raise ReportError(f"{exc}\nno report written") from None
    for note in notes:
        progress("ADaM", note)
    progress("ADaM", f"{len(datasets.eligibility.screened)} subjects, {len(datasets.eligibility.included)} in the "
             f"analysis population ({population})")
    return datasets, analyse_study(datasets, config)


def analyse_omop(progress: Progress | None = None, **inputs):
    """An OMOP CDM (``oncocohort omop report``; keyword arguments of
    :func:`oncocohort.omop.pipeline.analyse_omop_study`) → (datasets, results), the data source in the methods;
    datasets is None for the default analysis from aggregates (no per-patient rows to write).
    Raises ReportError for a CDM or cohort.toml that cannot be used."""
    from ..engine.input_rules import EngineInputError
    from ..io.problems import problems_to_text as text
    from ..omop.cdm import CdmError
    from ..omop.cohort_spec import CohortSpecError
    from ..omop.pipeline import EmptyCohort, analyse_omop_study

    progress = progress or Progress(None)
    try:
        return analyse_omop_study(progress=progress, **inputs)
    except CdmError as exc:
        raise ReportError("\n".join(exc.problems) + "\nno report written") from None
    except CohortSpecError as exc:
        raise ReportError(text(list(exc.problems)) + "\nno report written") from None
    except (EmptyCohort, EngineInputError) as exc:
        raise ReportError(f"{exc}; no report written") from None


@dataclass(frozen=True)
class DocumentOptions:
    """How the documents look: journal ``style`` (:mod:`oncocohort.present.journal_style`), ``paper`` (``a4`` or
    ``letter``), the PDF engine chosen (:mod:`.pdf`; None without pdf), the files each figure is written as
    (:mod:`oncocohort.present.figure_formats`) and the data notes they end with."""

    style: str = "default"
    paper: str = "a4"
    pdf_engine: str | None = None
    figure_formats: tuple[str, ...] = DEFAULT_FIGURE_FORMATS
    data_notes: tuple[str, ...] = ()  # the closing "Data notes" section (.data_notes), set by build_report


def document_options(formats, style: str = "default", paper: str = "a4", pdf_engine: str = "auto",
                     figures=DEFAULT_FIGURE_FORMATS) -> DocumentOptions:
    """Check the options before any work; ReportError naming the choices (or what to install for a PDF)."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ReportError(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    try:
        style = get_style(style).name
    except ValueError as error:
        raise ReportError(str(error)) from None
    if paper not in PAPERS:
        raise ReportError(f"unknown paper {paper!r}; choose from {', '.join(PAPERS)}")
    try:
        figures = figure_formats(figures)
    except ValueError as error:
        raise ReportError(str(error)) from None
    engine = None
    if "pdf" in formats:
        try:
            engine = choose_engine(pdf_engine)
        except PdfUnavailable as error:
            raise ReportError(str(error)) from None
    return DocumentOptions(style, paper, engine, figures)


def build_report(study_dir, out_dir, formats=("html", "docx"), progress: Progress | None = None,
                 adam: dict | None = None, style: str = "default", paper: str = "a4",
                 pdf_engine: str = "auto", omop: dict | None = None, min_cell: int = 0,
                 figure_formats=DEFAULT_FIGURE_FORMATS, figure_processes: FigureProcesses | None = None
                 ) -> list[Path]:
    """Write the report of ``study_dir`` into ``out_dir`` (module docstring); returns the files written.

    With ``adam`` (keyword arguments of :func:`analyse_adam`), ``study_dir`` is a folder of ADaM data sets
    analysed without derivation; with ``omop`` (keyword arguments of :func:`analyse_omop`) an OMOP CDM.
    ``style``: default, lancet, jama or nejm; ``paper``: a4 or letter;
    ``pdf_engine``: auto, weasyprint, chromium or libreoffice (with ``pdf`` in ``formats``); ``min_cell``: counts
    from 1 to min_cell − 1 not published (:mod:`.disclosure`; 0 or 1: all shown); ``figure_formats``: the files of
    each figure, png (always) and any of svg, pdf; ``figure_processes``: figure processes the caller forked
    earlier, warmed up for ``figure_formats`` (the command line forks them before it imports pandas and the
    statistics, :func:`.figure_files.start_figure_processes`), ended here like those forked here (None: forked
    here, when the CPUs allow)."""
    progress = progress or Progress(None)
    formats = tuple(formats)
    options = document_options(formats, style, paper, pdf_engine, figure_formats)  # before any work
    try:  # before any work, too
        check_replaceable(Path(out_dir), keep=(Path(study_dir),))
    except OutputFolderRefused as exc:
        raise ReportError(f"{exc}; no report written") from None
    # the figure processes load matplotlib while this one analyses (figure_files.py); ended on any way out
    if figure_processes is None:
        figure_processes = start_figure_processes(formats=options.figure_formats)
    with figure_processes or nullcontext():
        study = None
        if omop is not None:  # study_dir: the CDM (kept out of the output folder's replacement)
            datasets, results = analyse_omop(progress=progress, **omop)
        elif adam is not None:
            datasets, results = analyse_adam(study_dir, progress=progress, **adam)
        else:
            study, datasets, results = analyse_folder(study_dir, progress)
        results = replace(results, min_cell=min_cell) if min_cell != results.min_cell else results
        for note in subgroup_notes(results):
            progress("warning", note)
        notes = tuple(data_notes(study, datasets, results))
        problems = reconcile(results)
        if problems:
            raise ReconciliationError(problems)
        progress("reconcile", "response categories, AE grades, attrition and subgroups add up")
        out = Path(out_dir)
        try:  # written in a staging folder, swapped in whole (output_folder.py)
            with staged_output(out, keep=(Path(study_dir),)) as staging:
                written = [p.relative_to(staging) for p in _write_all(results, datasets, staging, formats, progress,
                                                                      replace(options, data_notes=notes),
                                                                      figure_processes)]
        except OutputFolderRefused as exc:
            raise ReportError(f"{exc}; no report written") from None
    final = [out / p for p in written]
    progress("done", f"{len(final)} files in {out}")
    return final


def _write_all(results, datasets, folder: Path, formats, progress, options: DocumentOptions = DocumentOptions(),
               figure_processes=None) -> list[Path]:
    with use_style(options.style):
        return _write_documents(results, datasets, folder, formats, progress, options, figure_processes)


def _start_drawing(figure_processes, results, plans, stems, style: str, formats: tuple[str, ...]):
    """The figures drawn by the processes forked when the report started (figure_files.py), or in this process
    (serially) without them; ``.result()`` → (caption, paths) per plan."""
    drawing = (figure_processes.draw(figure_plans, results, stems, style, drawing_order(plans), formats)
               if figure_processes is not None else None)
    return nullcontext(drawing) if drawing is not None else start_figures(plans, stems, style, formats=formats)


def _with_rule(methods: str, results: StudyResults) -> str:
    """The methods paragraph with the small-cell rule (an OMOP report always says it, on or off)."""
    rule = methods_sentence(results.min_cell, default_off=results.data_source is None)
    return f"{methods} {rule}" if rule else methods


def _write_documents(results, datasets, folder: Path, formats, progress, options: DocumentOptions,
                     figure_processes=None) -> list[Path]:
    (folder / "tables").mkdir(parents=True)
    (folder / "figures").mkdir()
    written = []
    facts = results_dict(results)
    tables = build_tables(results)
    if results.response_assessed and (grade := esmo_mcbs_table(facts["esmo_mcbs"])) is not None:
        tables["esmo_mcbs"] = _mark_synthetic(grade) if results.synthetic else grade
    # what is published: counts below --min-cell hidden in the tables, results.json and the text (disclosure.py)
    tables, published = disclose_tables(tables, results.min_cell), disclose_results(facts, results.min_cell)
    plans = figure_plans(results)
    numbering, placed = plan_items({key: TABLE_TOPICS.get(key, "") for key in tables},
                                   {plan.key: plan.topic for plan in plans})
    # figures are drawn and saved in other processes while this one writes the tables (figure_files.py)
    with _start_drawing(figure_processes, results, plans,
                        [folder / "figures" / numbering[plan.key].file_stem for plan in plans],
                        options.style, options.figure_formats) as drawing:
        path = folder / "results.json"
        path.write_text(json_text(published), encoding="utf-8")
        written.append(path)
        tables = {key: replace(table, title=numbering[key].caption(table.title)) for key, table in tables.items()}
        for key, table in tables.items():
            item = numbering[key]
            stem = folder / "tables" / item.file_stem
            for suffix, text in ((".csv", to_csv(table)), (".md", to_markdown(table)),
                                 (".html", to_html(table, anchor=item.anchor))):
                path = stem.with_suffix(suffix)
                path.write_text(text, encoding="utf-8")
                written.append(path)
            written.append(to_docx(table, stem.with_suffix(".docx"), item.number, options.paper))
        progress("tables", f"{len(tables)} tables (CSV, Markdown, HTML, DOCX)")
        if datasets is not None:  # None: an OMOP report from aggregates has no per-patient rows to write
            written += write_datasets(datasets, folder / "datasets")
        drawn = drawing.result()
        for _, paths in drawn:
            written += paths
    progress("figures", f"{len(plans)} figures ({describe(options.figure_formats)})")
    paragraphs = [(key, disclose_text(text, results.min_cell))  # a safety net: counts the narrative writes in words
                  for key, text in results_paragraphs(published, citations=narrative_citations(numbering))]
    undefined = undefined_abbreviations([t for _, t in paragraphs], Vocabulary.from_labels(results.config.labels))
    if undefined:
        progress("narrative", f"abbreviations without a long form (add them to study.toml [labels]): "
                 f"{', '.join(undefined)}")
    sections = plan_sections(paragraphs, numbering, placed)
    lists = checklists(facts, numbering, data_notes=bool(options.data_notes))
    path = folder / "checklist.json"
    path.write_text(checklist_json(lists), encoding="utf-8")
    written.append(path)
    study = facts["study"]
    document = {"title": results.title, "banner": SYNTHETIC_BANNER if results.synthetic else None,
                "intro": f"Data cutoff {study['data_cutoff']}; {study['n_included']} patients analysed. Every "
                         "number below is in results.json with its method.",
                "methods": _with_rule(disclose_text(methods_paragraph(published), results.min_cell), results),
                "sections": sections, "tables": tables,
                "figure_captions": {plan.key: disclose_text(strip_label(caption), results.min_cell)
                                    for plan, (caption, _) in zip(plans, drawn)},
                "folder": folder, "paper": options.paper, "data_notes": options.data_notes,
                "checklists": tuple(checklist_tables(lists))}
    html_path = folder / "report.html"
    docx_path = folder / "report.docx"
    if "html" in formats or options.pdf_engine in ("weasyprint", "chromium"):
        portrait = PAPER_SIZES[options.paper][0] - 2 * MARGIN  # the DOCX rule: landscape when numbers would wrap
        wide = {key for key, table in tables.items() if needs_landscape(table, portrait)}
        html_path.write_text(report_html(numbering=numbering, wide_tables=wide, **document), encoding="utf-8")
        written.append(html_path)
    if "docx" in formats or options.pdf_engine == "libreoffice":
        written.append(write_report_docx(docx_path, **document))
    if "pdf" in formats:
        try:
            written.append(write_pdf(options.pdf_engine, html_path, docx_path, folder / "report.pdf"))
        except PdfUnavailable as error:
            raise ReportError(str(error)) from None
        for path, fmt in ((html_path, "html"), (docx_path, "docx")):
            if fmt not in formats and path in written:  # made only as the PDF's source
                written.remove(path)
                path.unlink()
    engine = f" (PDF by {options.pdf_engine})" if "pdf" in formats else ""
    progress("report", ", ".join(f"report.{f}" for f in formats) + engine + f"; style {options.style}, "
             f"{options.paper.upper() if options.paper == 'a4' else 'US Letter'}")
    return written
