"""`oncocohort report`: a study folder → the complete analysis in one folder.

Stages (each reported on the terminal): validate → derive → statistics → reconcile → tables and figures →
narrative → write. Refuses to go on after validation errors; stops if the numbers do not reconcile
(:mod:`oncocohort.report.reconcile`). Everything is written into a hidden staging folder beside ``--out`` and
swapped in whole only when complete (:mod:`oncocohort.report.output_folder`), so a failed run never leaves a report
that looks finished, nor anything else, and a rerun never mixes old files with new ones.

Outputs: ``report.html`` (self-contained: figures embedded as PNG data, every data string escaped), ``report.docx``
(tables in three-line style, figures with captions, methods and results text), ``report.pdf`` (the DOCX converted
by LibreOffice — the DOCX is what manuscripts are built from, so the PDF shows exactly that; only with ``pdf`` in
the formats), ``results.json``, ``tables/*.csv|md|html|docx``, ``figures/*.png|svg|pdf``, ``datasets/`` (derived
datasets, attrition, listings).
"""

from __future__ import annotations

import base64
import html
import shutil
import subprocess
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from docx import Document
from docx.shared import Inches, Pt

from ..derive.analysis_datasets import derive_study
from ..derive.writer import write_datasets
from ..io.config import CONFIG_NAME, read_config
from ..io.problems import ProblemLog, problems_to_text
from ..io.study import validate_study
from ..present.adverse_event_table import adverse_event_table
from ..present.baseline_table import baseline_table
from ..present.consort_figure import consort_figure
from ..present.efficacy_table import efficacy_table
from ..present.exposure_table import exposure_table
from ..present.figure_style import plt, save_figure
from ..present.forest_figure import forest_figure, forest_rows
from ..present.formatting import p_value
from ..present.km_figure import km_figure
from ..present.orr_bars_figure import orr_bars_figure
from ..present.render import add_to_docx, to_csv, to_docx, to_html, to_markdown
from ..present.spider_figure import spider_figure
from ..present.subgroup_table import subgroup_table
from ..present.survival_table import survival_table
from ..present.swimmer_figure import swimmer_figure
from ..present.table import Table
from ..present.waterfall_figure import waterfall_figure
from ..stats.study_analysis import DAYS_PER_UNIT, NotEstimable, StudyResults, analyse_study
from .narrative import methods_paragraph, results_paragraphs
from .output_folder import OutputFolderRefused, check_replaceable, staged_output
from .reconcile import ReconciliationError, reconcile
from .results_json import json_text, results_dict

FORMATS = ("html", "docx", "pdf")
CRITERIA_NAMES = {"recist1.1": "RECIST 1.1", "irecist": "iRECIST", "choi": "Choi criteria",
                  "recorded": "as recorded by the investigators"}
SYNTHETIC_BANNER = ("SYNTHETIC DATA — reconstructed from published aggregates, not patient data. For demonstration "
                    "only.")


class ReportError(Exception):
    """The report cannot be written; the message says why in words (validation errors, numbers that disagree,
    a missing converter)."""


@dataclass(frozen=True)
class Figure:
    name: str
    caption: str
    figure: plt.Figure


@dataclass
class Progress:
    """Prints one line per stage with its duration (``echo`` = None: silent)."""

    echo: object = print
    started: float = field(default_factory=time.perf_counter)

    def __call__(self, stage: str, detail: str = "") -> None:
        if self.echo is not None:
            elapsed = time.perf_counter() - self.started
            self.echo(f"[{elapsed:5.2f} s] {stage}" + (f": {detail}" if detail else ""))


def build_tables(results: StudyResults) -> dict[str, Table]:
    unit = results.time_unit
    pfs_cox = next((c for c in results.cox if c.endpoint == "PFS"), None)
    tables = {
        "table1_baseline": baseline_table(results.baseline, results.n_included),
        "table_efficacy": efficacy_table(results.response, results.response_subgroups,
                                         title="Table. Best overall response and response rates "
                                         f"({CRITERIA_NAMES[results.config.response.criteria]})"),
        "table_survival": survival_table(results.survival, unit),
        "table2_subgroups_pfs": subgroup_table(tuple(g for g in results.subgroup_survival if g.endpoint == "PFS"),
                                               pfs_cox, unit),
        "table3_adverse_events": adverse_event_table(results.adverse_events),
        "table_adverse_events_related": adverse_event_table(results.related_adverse_events),
        "table_exposure": exposure_table(results.exposure),
    }
    if results.synthetic:
        tables = {name: _mark_synthetic(t) for name, t in tables.items()}
    return tables


def _mark_synthetic(table: Table) -> Table:
    return replace(table, footnotes=(*table.footnotes, SYNTHETIC_BANNER))


def _risk_times(fits, step: float = 6.0) -> list[float]:
    longest = max(float(f.time.max()) for f in fits if len(f.time))
    return list(np.arange(0, longest + step, step))


def build_figures(results: StudyResults) -> list[Figure]:
    unit, days = results.time_unit, DAYS_PER_UNIT[results.time_unit]
    figures = []
    n_evaluable = int(results.patients["best_overall_response"].ne("NE").sum())
    consort = consort_figure(results.attrition, n_evaluable, results.endpoint("PFS").n)
    figures.append(Figure("figure1_flow", "Figure 1. Study flow: patients screened, excluded (with reasons) and "
                          "analysed.", consort.figure))
    orr = dict(results.response.rates).get("ORR")
    if results.has_lesion_measurements:  # recorded responses: no target-lesion sums to draw (said in the text)
        waterfall = waterfall_figure(results.patients, orr)
        figures.append(Figure("figure2_waterfall", "Figure 2. Best change in the sum of target lesions from baseline "
                              f"per patient, coloured by best overall response (RECIST 1.1). {waterfall.caption}",
                              waterfall.figure))
        spider = spider_figure(results.visits, results.patients, days, unit)
        figures.append(Figure("figure_spider", "Figure. Change in the sum of target lesions from baseline over time, "
                              "one line per patient (no interpolation over missing scans).", spider.figure))
    swimmer = swimmer_figure(results.patients, days, unit)
    figures.append(Figure("figure_swimmer", "Figure. Time on treatment per patient with first response, "
                          "progression and death; arrows: on treatment at the data cutoff.", swimmer.figure))
    for e in results.survival:
        curve = km_figure({e.label: e.fit}, _risk_times([e.fit]), xlabel=f"Time ({unit})",
                          ylabel=f"{e.label} (probability)",
                          annotation=f"Median {e.median.estimate:.1f} {unit}; {e.events} events / {e.n} patients"
                          if np.isfinite(e.median.estimate) else f"{e.events} events / {e.n} patients")
        figures.append(Figure(f"figure4_km_{e.endpoint.lower()}",
                              f"Figure 4. Kaplan–Meier estimate of {e.label.lower()} with censoring marks and the "
                              "number at risk.", curve.figure))
    for group in results.subgroup_survival:
        if group.endpoint != "PFS" or len(group.levels) < 2:
            continue
        fits = {f"{lv.level}": lv.fit for lv in group.levels}
        p = f"log-rank p = {p_value(group.logrank.p_value)}" if group.logrank else None
        curve = km_figure(fits, _risk_times(fits.values()), xlabel=f"Time ({unit})",
                          ylabel="Progression-free survival", title=f"PFS by {group.factor}", annotation=p)
        figures.append(Figure(f"figure_km_pfs_by_{group.field.replace(':', '_')}",
                              f"Figure. Progression-free survival by {group.factor}.", curve.figure))
    if results.response_subgroups:
        bars = orr_bars_figure(results.response_subgroups)
        figures.append(Figure("figure5_orr_by_subgroup", "Figure 5. Objective response rate by subgroup with 95% "
                              f"CIs ({orr.method_label if orr else ''}); labels: responders/patients; p by "
                              + "; ".join(sorted({f"{g.factor}: {g.test.method}" for g in results.response_subgroups
                                                  if g.test})) + ".", bars.figure))
    cox = next((c for c in results.cox if c.endpoint == "PFS"), None)
    if cox is not None:
        model = cox.multivariable if cox.multivariable is not None else (cox.univariable[0][1]
                                                                          if cox.univariable else None)
        if model is not None and not isinstance(model, NotEstimable):
            labels = {g.field: g.factor for g in results.subgroup_survival}
            forest = forest_figure(forest_rows(model, labels), title="PFS: Cox model (reference: each factor's "
                                   "first level)")
            figures.append(Figure("figure_forest_pfs", f"Figure. Hazard ratios for progression-free survival "
                                  f"({model.method}).", forest.figure))
    return figures


def _figure_png(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def _html(results: StudyResults, tables: dict[str, Table], figures: list[Figure], folder: Path, facts: dict) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{e(results.title)}</title>",
             "<style>body{font-family:Arial,Helvetica,sans-serif;max-width:60em;margin:2em auto;line-height:1.45}"
             "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}th,td{padding:2px 8px}"
             "thead tr:first-child th{border-top:2px solid #000}thead tr:last-child th{border-bottom:1px solid #000}"
             "tbody tr:last-child td{border-bottom:2px solid #000}figure{margin:1.5em 0}img{max-width:100%}"
             ".synthetic{background:#fff3cd;border:1px solid #e0c36a;padding:0.6em}figcaption{font-size:0.9em}"
             "</style></head><body>", f"<h1>{e(results.title)}</h1>"]
    if results.synthetic:
        parts.append(f'<p class="synthetic"><strong>{e(SYNTHETIC_BANNER)}</strong></p>')
    parts.append(f"<p>Data cutoff {e(str(facts['study']['data_cutoff']))}; {facts['study']['n_included']} patients "
                 "analysed. Every number below is in results.json with its method.</p>")
    parts += ["<h2>Statistical methods</h2>", f"<p>{e(methods_paragraph(facts))}</p>", "<h2>Results</h2>"]
    placement = {"Patients": ["figure1_flow", "table1_baseline"],
                 "Efficacy": ["table_efficacy", "figure2_waterfall", "figure_spider", "figure_swimmer"],
                 "Survival": ["table_survival", "figure4_km_pfs", "figure4_km_os"],
                 "Subgroups": ["table2_subgroups_pfs", "figure5_orr_by_subgroup", "figure_forest_pfs"],
                 "Safety": ["table3_adverse_events", "table_adverse_events_related", "table_exposure"]}
    by_name = {f.name: f for f in figures}
    for heading, text in results_paragraphs(facts):
        parts += [f"<h3>{e(heading)}</h3>", f"<p>{e(text)}</p>"]
        names = placement.get(heading, [])
        if heading == "Subgroups":
            names = names + sorted(n for n in by_name if n.startswith("figure_km_pfs_by_"))
        for name in names:
            if name in tables:
                parts.append(to_html(tables[name]))
            elif name in by_name:
                figure = by_name[name]
                parts.append(f'<figure><img alt="{e(figure.caption)}" src="data:image/png;base64,'
                             f'{_figure_png(folder / "figures" / (name + ".png"))}"><figcaption>{e(figure.caption)}'
                             "</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _docx(results: StudyResults, tables: dict[str, Table], figures: list[Figure], folder: Path, facts: dict,
          path: Path) -> None:
    document = Document()
    document.core_properties.title = results.title
    document.add_heading(results.title, level=1)
    if results.synthetic:
        document.add_paragraph().add_run(SYNTHETIC_BANNER).bold = True
    document.add_heading("Statistical methods", level=2)
    document.add_paragraph(methods_paragraph(facts))
    document.add_heading("Results", level=2)
    for heading, text in results_paragraphs(facts):
        document.add_heading(heading, level=3)
        document.add_paragraph(text)
    for table in tables.values():
        add_to_docx(document, table)
        document.add_paragraph()
    for figure in figures:
        document.add_picture(str(folder / "figures" / f"{figure.name}.png"), width=Inches(6.0))
        document.add_paragraph(figure.caption).runs[0].font.size = Pt(9)
    document.save(path)


def libreoffice() -> str | None:
    """The LibreOffice command, or None when not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


NO_LIBREOFFICE = ("a PDF needs LibreOffice (soffice); install it (Debian: apt-get install libreoffice-writer-nogui) "
                  "or leave pdf out of --format")


def docx_to_pdf(docx_path: Path, out_dir: Path) -> Path:
    """Convert with ``soffice --headless --convert-to pdf`` (Debian: apt-get install libreoffice-writer-nogui)."""
    command = libreoffice()
    if command is None:
        raise ReportError(NO_LIBREOFFICE)
    profile = out_dir / ".lo-profile"
    run = subprocess.run([command, f"-env:UserInstallation=file://{profile.resolve()}", "--headless",
                          "--convert-to", "pdf", "--outdir", str(out_dir), str(docx_path)],
                         capture_output=True, text=True, timeout=300)
    shutil.rmtree(profile, ignore_errors=True)
    pdf = out_dir / (docx_path.stem + ".pdf")
    if run.returncode != 0 or not pdf.exists():
        raise ReportError(f"LibreOffice could not convert {docx_path.name}: {run.stderr.strip() or run.stdout}")
    return pdf


def analyse_folder(study_dir, progress: Progress | None = None):
    """Validate, derive and analyse a study folder → (study, datasets, results); raises ReportError with every
    validation problem."""
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
    if not len(datasets.eligibility.included):
        steps = "; ".join(f"{row.criterion}: {row.n_excluded} excluded" for row in datasets.attrition.itertuples()
                          if row.n_excluded)
        raise ReportError(f"no patient is included, so there is nothing to analyse ({steps}). Check the eligibility "
                          "criteria in study.toml: a criterion on a blank field excludes the patient when "
                          "[eligibility] missing = \"exclude\"; no report written")
    results = analyse_study(datasets, report.study.config)
    progress("statistics", "response, survival, subgroups, Cox, adverse events, exposure")
    return report.study, datasets, results


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


def build_report(study_dir, out_dir, formats=("html", "docx"), progress: Progress | None = None,
                 adam: dict | None = None) -> list[Path]:
    """Write the report of ``study_dir`` into ``out_dir`` (module docstring); returns the files written.

    With ``adam`` (keyword arguments of :func:`analyse_adam`), ``study_dir`` is a folder of ADaM data sets
    analysed without derivation."""
    progress = progress or Progress(None)
    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ReportError(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    if "pdf" in formats and libreoffice() is None:
        raise ReportError(NO_LIBREOFFICE)  # before any work
    try:  # before any work, too
        check_replaceable(Path(out_dir), keep=(Path(study_dir),))
    except OutputFolderRefused as exc:
        raise ReportError(f"{exc}; no report written") from None
    if adam is not None:
        datasets, results = analyse_adam(study_dir, progress=progress, **adam)
    else:
        _, datasets, results = analyse_folder(study_dir, progress)
    problems = reconcile(results)
    if problems:
        raise ReconciliationError(problems)
    progress("reconcile", "response categories, AE grades, attrition and subgroups add up")
    out = Path(out_dir)
    try:  # written in a staging folder, swapped in whole (output_folder.py)
        with staged_output(out, keep=(Path(study_dir),)) as staging:
            written = [p.relative_to(staging) for p in _write_all(results, datasets, staging, formats, progress)]
    except OutputFolderRefused as exc:
        raise ReportError(f"{exc}; no report written") from None
    final = [out / p for p in written]
    progress("done", f"{len(final)} files in {out}")
    return final


def _write_all(results, datasets, folder: Path, formats, progress) -> list[Path]:
    (folder / "tables").mkdir(parents=True)
    (folder / "figures").mkdir()
    written = []
    facts = results_dict(results)
    path = folder / "results.json"
    path.write_text(json_text(facts), encoding="utf-8")
    written.append(path)
    tables = build_tables(results)
    for name, table in tables.items():
        for suffix, text in ((".csv", to_csv(table)), (".md", to_markdown(table)), (".html", to_html(table))):
            path = folder / "tables" / f"{name}{suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
        written.append(to_docx(table, folder / "tables" / f"{name}.docx"))
    progress("tables", f"{len(tables)} tables (CSV, Markdown, HTML, DOCX)")
    figures = build_figures(results)
    for figure in figures:
        written += save_figure(figure.figure, folder / "figures" / figure.name)
    progress("figures", f"{len(figures)} figures (PNG 300 dpi, SVG, PDF)")
    written += write_datasets(datasets, folder / "datasets")
    if "html" in formats:
        path = folder / "report.html"
        path.write_text(_html(results, tables, figures, folder, facts), encoding="utf-8")
        written.append(path)
    if "docx" in formats or "pdf" in formats:
        path = folder / "report.docx"
        _docx(results, tables, figures, folder, facts, path)
        written.append(path)
        if "pdf" in formats:
            written.append(docx_to_pdf(path, folder))
            if "docx" not in formats:
                written.remove(path)
                path.unlink()
    for figure in figures:
        plt.close(figure.figure)
    progress("report", ", ".join(f"report.{f}" for f in formats))
    return written
