"""The local web app: pages for investigators and the JSON API under /api/ they use (docs/web.md).

A thin shell over the Python API the CLI uses — ``io.study.validate_study``, ``io.template.write_template``,
``derive.analysis_datasets.derive_study`` (included/excluded preview), ``report.build.build_report`` — with no
statistic, rule or message of its own. Framework: Starlette (routing, uploads, test client) with Jinja2 templates
rendered on the server (autoescaped) and one small script for the progress bar; served by uvicorn
(docs/architecture.md says why).
"""

from __future__ import annotations

import hashlib
import io
import json
import mimetypes
import shlex
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .. import __version__
from ..io.config import CONFIG_NAME
from ..io.problems import Problem, problems_to_json
from ..io.schema import TABLES_BY_NAME
from ..io.study import ValidationReport, validate_study
from ..io.template import write_template
from ..present.journal_style import STYLE_NAMES
from ..report.build import FORMATS, PAPERS, libreoffice
from . import sheet_view
from .jobs import STAGES, AlreadyRunning, ReportRunner
from .security import BodyTooLarge, SecurityMiddleware, new_token, too_large_message
from .settings_form import CHOICES, form_from_post, form_from_toml, save_toml, toml_from_form
from .workspace import UnknownStudy, UploadRefused, Workspace, files_from_upload

HERE = Path(__file__).parent
DEFAULT_MAX_UPLOAD_MB = 50
DOWNLOAD_GROUPS = (("Report", ("report.html", "report.docx", "report.pdf")), ("Results", ("results.json",)),
                   ("Tables", ("tables/",)), ("Figures", ("figures/",)), ("Datasets", ("datasets/",)))


@dataclass
class Checked:
    """A study's validation with the included/excluded preview, for one state of its input files."""

    fingerprint: tuple
    report: ValidationReport
    attrition: list[dict] | None
    screened: int | None
    included: int | None
    preview_note: str | None


def _fingerprint(folder: Path) -> tuple:
    return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()))


def _preview(report: ValidationReport) -> tuple[list[dict] | None, int | None, int | None, str | None]:
    """Attrition by eligibility criterion from the derive step (only for a study without errors)."""
    if report.study is None:
        return None, None, None, "The included / excluded preview appears once the study has no errors."
    from ..derive.analysis_datasets import derive_study

    try:
        datasets = derive_study(report.study)
    except Exception as exc:  # the report build would stop here too; say so instead of failing the page
        return None, None, None, f"The preview could not be derived ({type(exc).__name__}: {exc})."
    rows = datasets.attrition[["step", "criterion", "kind", "n_at_step", "n_excluded", "n_remaining",
                               "excluded_ids"]].to_dict("records")
    note = "; ".join(f"eligibility: {e}" for e in datasets.eligibility.errors) or None
    return rows, len(datasets.eligibility.screened), len(datasets.eligibility.included), note


class WebApp:
    """State of one server: the workspace, the report runner, the token and the limits."""

    def __init__(self, workspace: str | Path, token: str | None = None, max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB,
                 cookie_suffix: str = ""):
        self.workspace = Workspace(workspace)
        self.runner = ReportRunner()
        self.token = token or new_token()
        self.max_upload_bytes = int(max_upload_mb * 2**20)
        self.cookie_name = "oncocohort_token" + (f"_{cookie_suffix}" if cookie_suffix else "")
        self._checked: dict[str, Checked] = {}
        self._check_lock = threading.Lock()
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.templates = Jinja2Templates(env=env)

    # ---- validation, cached per state of the input files ------------------------------------------------------
    def checked(self, study_id: str) -> Checked:
        folder = self.workspace.input_dir(study_id)
        with self._check_lock:
            fingerprint = _fingerprint(folder)
            cached = self._checked.get(study_id)
            if cached is not None and cached.fingerprint == fingerprint:
                return cached
            report = validate_study(folder)
            checked = Checked(fingerprint, report, *_preview(report))
            self._checked[study_id] = checked
            return checked

    def report_is_current(self, study_id: str) -> bool:
        """True when the last report was built from the input as it is now."""
        built, now = self.workspace.report_input_dir(study_id), self.workspace.input_dir(study_id)
        if not built.is_dir():
            return False
        names = sorted(p.name for p in now.iterdir() if p.is_file())
        return names == sorted(p.name for p in built.iterdir() if p.is_file()) and all(
            (now / n).read_bytes() == (built / n).read_bytes() for n in names)

    def outputs(self, study_id: str) -> list[str]:
        """Files of the last report, relative to its folder, sorted."""
        folder = self.workspace.report_dir(study_id)
        if not folder.is_dir():
            return []
        return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
                      and not p.is_symlink())

    def output_path(self, study_id: str, relative: str) -> Path:
        """A file of the last report; KeyError for anything else (never a file outside the report folder)."""
        if relative not in self.outputs(study_id):
            raise KeyError(relative)
        return self.workspace.report_dir(study_id) / relative


# ---- helpers -------------------------------------------------------------------------------------------------
def _state(request: Request) -> WebApp:
    return request.app.state.web


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _problem_dict(p: Problem) -> dict:
    return {"severity": p.severity, "source": p.source, "table": p.table, "row": p.row, "column": p.column,
            "value": p.value, "rule": p.rule, "message": p.message}


async def _uploaded_files(request: Request, web: WebApp, form=None) -> tuple[dict[str, bytes], list[str], bool, str]:
    """The study files of a multipart upload (field ``file``, one or more) → (files, unused zip entries,
    whole folder?, display name)."""
    form = form if form is not None else await request.form(max_files=50)
    files: dict[str, bytes] = {}
    unused: list[str] = []
    whole, name = False, ""
    for upload in form.getlist("file"):
        if not hasattr(upload, "read") or not upload.filename:
            continue
        data = await upload.read()
        found, skipped = files_from_upload(upload.filename, data, web.max_upload_bytes)
        whole |= upload.filename.casefold().endswith(".zip")
        name = name or Path(upload.filename.replace("\\", "/")).stem
        files.update(found)
        unused += skipped
    if not files:
        raise UploadRefused("no file was uploaded: choose study.xlsx, a zip of the study folder, study.toml or a "
                            "table CSV")
    return files, unused, whole, name


def _study_json(web: WebApp, study_id: str) -> dict:
    entry = web.workspace.entry(study_id)
    job = web.runner.job(study_id)
    return {**entry.as_dict(), "report": {"files": len(web.outputs(study_id)),
                                          "current": web.report_is_current(study_id),
                                          "job": job.as_dict() if job else None}}


def _study_or_404(request: Request) -> str:
    study_id = request.path_params["study"]
    _state(request).workspace.folder(study_id)  # UnknownStudy → 404 by the handler below
    return study_id


# ---- API -----------------------------------------------------------------------------------------------------
async def api_studies(request: Request) -> Response:
    web = _state(request)
    if request.method == "GET":
        return JSONResponse({"studies": [e.as_dict() for e in web.workspace.studies()],
                             "workspace_folders": web.workspace.user_folders()})
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.json()
        source = body.get("source") if isinstance(body, dict) else None
        if source == "demo":
            study_id = await run_in_threadpool(web.workspace.create_demo)
        elif source == "folder":
            study_id = web.workspace.create_from_folder(str(body.get("folder", "")))
        else:
            return _error(400, 'JSON body must be {"source": "demo"} or {"source": "folder", "folder": "..."}; '
                               "upload files as multipart/form-data (field 'file')")
        return JSONResponse(_study_json(web, study_id), status_code=201)
    files, unused, _, name = await _uploaded_files(request, web)
    study_id = web.workspace.create_from_files(name or "study", files, "an upload")
    return JSONResponse({**_study_json(web, study_id), "unused_zip_entries": unused}, status_code=201)


async def api_study(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    if request.method == "DELETE":
        job = web.runner.job(study_id)
        if job is not None and job.active:
            return _error(409, "a report of this study is running; delete it when the run has ended")
        web.workspace.delete(study_id)
        return JSONResponse({"deleted": study_id})
    return JSONResponse(_study_json(web, study_id))


async def api_data(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    files, unused, whole, _ = await _uploaded_files(request, web)
    web.workspace.replace_data(study_id, files, whole_folder=whole)
    return JSONResponse({"replaced": sorted(files), "unused_zip_entries": unused})


async def api_validation(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    checked = await run_in_threadpool(web.checked, study_id)
    return Response(problems_to_json(checked.report.problems), media_type="application/json")


async def api_preview(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    checked = await run_in_threadpool(web.checked, study_id)
    return JSONResponse({"screened": checked.screened, "included": checked.included, "attrition": checked.attrition,
                         "note": checked.preview_note})


async def api_settings(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    path = web.workspace.input_dir(study_id) / CONFIG_NAME
    if request.method == "GET":
        return PlainTextResponse(path.read_text(encoding="utf-8") if path.exists() else "",
                                 media_type="application/toml")
    text = (await request.body()).decode("utf-8", errors="replace")
    saved, problems = await run_in_threadpool(save_toml, web.workspace.input_dir(study_id), text)
    return JSONResponse({"saved": saved, "problems": [_problem_dict(p) for p in problems]},
                        status_code=200 if saved else 422)


async def api_report(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    if request.method == "GET":
        job = web.runner.job(study_id)
        return JSONResponse(job.as_dict() if job else {"study": study_id, "state": "none", "stages": list(STAGES)})
    body = {}
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
    formats = tuple(body.get("formats", ("html", "docx")) if isinstance(body, dict) else ("html", "docx"))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        return _error(400, f"formats must be some of {', '.join(FORMATS)}")
    options = body if isinstance(body, dict) else {}
    style, paper = options.get("style", "default"), options.get("paper", "a4")
    if style not in STYLE_NAMES or paper not in PAPERS:
        return _error(400, f"style must be one of {', '.join(STYLE_NAMES)}; paper one of {', '.join(PAPERS)}")
    try:
        job = web.runner.start(study_id, web.workspace.folder(study_id), formats, style, paper)
    except AlreadyRunning:
        return _error(409, "a report of this study is already queued or running; wait for it to end "
                           f"(GET /api/studies/{study_id}/report)")
    return JSONResponse(job.as_dict(), status_code=202)


async def api_outputs(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    return JSONResponse({"files": web.outputs(study_id), "current": web.report_is_current(study_id)})


async def api_output_file(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    relative = request.path_params["path"]
    try:
        path = web.output_path(study_id, relative)
    except KeyError:
        return _error(404, f"no file '{relative}' in this study's report")
    inline = request.query_params.get("inline") == "1" and path.suffix in (".html", ".png", ".svg", ".pdf")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".html":
        media_type = "text/html; charset=utf-8"
    response = FileResponse(path, media_type=media_type, filename=path.name,
                            content_disposition_type="inline" if inline else "attachment")
    if path.suffix in (".html", ".svg"):  # a report shown in the page runs no script, even from its own data
        response.headers["content-security-policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response


def report_zip(folder: Path, files: list[str]) -> bytes:
    """The report's files as one zip, byte-identical for identical files (fixed dates, sorted names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in files:
            info = zipfile.ZipInfo(f"report/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (folder / name).read_bytes())
    return buffer.getvalue()


async def api_outputs_zip(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    files = web.outputs(study_id)
    if not files:
        return _error(404, "this study has no report yet")
    data = await run_in_threadpool(report_zip, web.workspace.report_dir(study_id), files)
    return Response(data, media_type="application/zip",
                    headers={"content-disposition": f'attachment; filename="{study_id}-report.zip"'})


async def api_template(request: Request) -> Response:
    name = request.path_params["name"]
    example = request.query_params.get("example") == "1"
    if name not in ("study.xlsx", CONFIG_NAME):
        return _error(404, "the template has study.xlsx and study.toml")

    def make() -> bytes:
        with tempfile.TemporaryDirectory(prefix="oncocohort-template-") as folder:
            write_template(folder, example=example)
            return (Path(folder) / name).read_bytes()

    data = await run_in_threadpool(make)
    media = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if name.endswith(".xlsx")
             else "application/toml")
    return Response(data, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


# ---- pages ---------------------------------------------------------------------------------------------------
def _page(request: Request, name: str, status_code: int = 200, **context) -> Response:
    web = _state(request)
    study_id = context.get("study", {}).get("id") if isinstance(context.get("study"), dict) else None
    context.setdefault("page", name.removesuffix(".html"))
    context.setdefault("study", None)
    context.setdefault("message", request.query_params.get("message"))
    context["version"] = __version__
    context["job"] = web.runner.job(study_id).as_dict() if study_id and web.runner.job(study_id) else None
    return web.templates.TemplateResponse(request, name, context, status_code=status_code)


async def page_start(request: Request) -> Response:
    web = _state(request)
    return _page(request, "start.html", studies=[e.as_dict() for e in web.workspace.studies()],
                 folders=web.workspace.user_folders(), max_upload_mb=web.max_upload_bytes / 2**20,
                 workspace=str(web.workspace.root), error=None)


async def page_create(request: Request) -> Response:
    web = _state(request)
    form = await request.form(max_files=50)
    source = form.get("source", "upload")
    try:
        if source == "demo":
            study_id = await run_in_threadpool(web.workspace.create_demo)
        elif source == "folder":
            study_id = web.workspace.create_from_folder(str(form.get("folder", "")))
        else:
            files, unused, _, name = await _uploaded_files(request, web, form)
            study_id = web.workspace.create_from_files(str(form.get("name") or name or "study"), files, "an upload")
            if unused:  # nothing dropped silently
                return RedirectResponse(f"/studies/{study_id}/validation?message="
                                        + _quote(f"Not used from the zip: {', '.join(unused)}."), status_code=303)
    except UploadRefused as refused:
        return _page(request, "start.html", status_code=400, studies=[e.as_dict() for e in web.workspace.studies()],
                     folders=web.workspace.user_folders(), max_upload_mb=web.max_upload_bytes / 2**20,
                     workspace=str(web.workspace.root), error=str(refused))
    return RedirectResponse(f"/studies/{study_id}/validation", status_code=303)


def _study_context(web: WebApp, study_id: str) -> dict:
    return {"study": web.workspace.entry(study_id).as_dict(), "tables": sheet_view.table_names(
        web.workspace.input_dir(study_id))}


async def page_validation(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    checked = await run_in_threadpool(web.checked, study_id)
    report = checked.report
    per_table: dict[str, int] = {}
    for p in report.problems:
        if p.table in TABLES_BY_NAME:
            per_table[p.table] = per_table.get(p.table, 0) + 1
    groups = [(title, [p for p in report.problems if p.severity == severity])
              for title, severity in (("Errors", "error"), ("Warnings", "warning"))]
    return _page(request, "validation.html", **_study_context(web, study_id), report=report,
                 groups=[g for g in groups if g[1]], per_table=per_table, checked=checked, upload_error=None,
                 max_upload_mb=web.max_upload_bytes / 2**20)


async def page_upload(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    try:
        files, unused, whole, _ = await _uploaded_files(request, web)
        web.workspace.replace_data(study_id, files, whole_folder=whole)
    except UploadRefused as refused:
        checked = await run_in_threadpool(web.checked, study_id)
        return _page(request, "validation.html", status_code=400, **_study_context(web, study_id),
                     report=checked.report, groups=[], per_table={}, checked=checked, upload_error=str(refused),
                     max_upload_mb=web.max_upload_bytes / 2**20)
    note = f"Replaced {', '.join(sorted(files))}." + (f" Not used from the zip: {', '.join(unused)}." if unused
                                                      else "")
    return RedirectResponse(f"/studies/{study_id}/validation?message={_quote(note)}", status_code=303)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


async def page_sheet(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    table = request.path_params["table"]
    folder = web.workspace.input_dir(study_id)
    checked = await run_in_threadpool(web.checked, study_id)
    row = request.query_params.get("row")
    if row and row.isdigit():
        page = await run_in_threadpool(sheet_view.page_of_row, folder, table, int(row))
    else:
        page = int(request.query_params.get("page", "1")) if request.query_params.get("page", "1").isdigit() else 1
    sheet = await run_in_threadpool(sheet_view.sheet_page, folder, table, checked.report.problems, page)
    if sheet is None:
        return PlainTextResponse(f"404: this study has no table '{table}'", status_code=404)
    return _page(request, "sheet.html", **_study_context(web, study_id), sheet=sheet, table=table,
                 highlight=int(row) if row and row.isdigit() else None)


async def page_settings(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    folder = web.workspace.input_dir(study_id)
    path = folder / CONFIG_NAME
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    problems: tuple[Problem, ...] = ()
    saved = None
    text = current
    if request.method == "POST":
        fields = await request.form(max_files=0, max_fields=2000)
        if "raw_toml" in fields:
            text = str(fields["raw_toml"]).replace("\r\n", "\n")
            form = form_from_toml(text)
        else:
            form = form_from_post(fields)
            text = toml_from_form(form, current)
        saved, problems = await run_in_threadpool(save_toml, folder, text)
        if saved:
            return RedirectResponse(f"/studies/{study_id}/settings?message={_quote('Saved study.toml.')}",
                                    status_code=303)
    else:
        from .settings_form import check_toml

        form = form_from_toml(current)
        problems = await run_in_threadpool(check_toml, current)
    return _page(request, "settings.html", status_code=200 if saved is not False else 422,
                 **_study_context(web, study_id), form=form.with_blank_rows(), choices=CHOICES, toml_text=text,
                 toml_lines=text.splitlines(), problems=problems, saved=saved)


async def page_report(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    if request.method == "POST":
        form = await request.form(max_files=0)
        formats = tuple(f for f in FORMATS if form.get(f"format_{f}"))
        if not formats:
            return RedirectResponse(f"/studies/{study_id}/report?message={_quote('Choose at least one format.')}",
                                    status_code=303)
        try:
            web.runner.start(study_id, web.workspace.folder(study_id), formats)
        except AlreadyRunning:
            return RedirectResponse(f"/studies/{study_id}/report?message="
                                    f"{_quote('A report of this study is already running.')}", status_code=303)
        return RedirectResponse(f"/studies/{study_id}/report", status_code=303)
    files = web.outputs(study_id)
    groups, placed = [], set()
    for title, prefixes in DOWNLOAD_GROUPS:
        members = [f for f in files if any(f == p or (p.endswith("/") and f.startswith(p)) for p in prefixes)]
        placed.update(members)
        if members:
            groups.append((title, members))
    if others := [f for f in files if f not in placed]:  # every file is offered, also ones added later
        groups.append(("Other files", others))
    return _page(request, "report.html", **_study_context(web, study_id), files=files, groups=groups,
                 current=web.report_is_current(study_id), stages=STAGES, formats=FORMATS,
                 has_libreoffice=libreoffice() is not None)


async def page_how(request: Request) -> Response:
    web, study_id = _state(request), _study_or_404(request)
    built = web.workspace.report_input_dir(study_id)
    toml_text = (built / CONFIG_NAME).read_text(encoding="utf-8") if (built / CONFIG_NAME).exists() else None
    inputs = [{"name": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "bytes": p.stat().st_size}
              for p in sorted(built.iterdir()) if p.is_file()] if built.is_dir() else []
    formats = sorted({Path(f).suffix.lstrip(".") for f in web.outputs(study_id) if f.startswith("report.")},
                     key=FORMATS.index)
    commands = [shlex.join(["oncocohort", "validate", str(built)]),
                shlex.join(["oncocohort", "report", str(built), "--out", str(web.workspace.report_dir(study_id)),
                            "--format", ",".join(formats) or "html,docx"])]
    return _page(request, "how.html", **_study_context(web, study_id), toml_text=toml_text, inputs=inputs,
                 commands=commands, current=web.report_is_current(study_id))


async def page_study(request: Request) -> Response:
    study_id = _study_or_404(request)
    return RedirectResponse(f"/studies/{study_id}/validation", status_code=303)


# ---- errors --------------------------------------------------------------------------------------------------
async def _not_found(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return _error(404, "no such study")
    return PlainTextResponse("404: no such study in this workspace", status_code=404)


async def _refused(request: Request, exc: UploadRefused) -> Response:
    return _error(400, str(exc))


async def _too_large(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(too_large_message(_state(request).max_upload_bytes), status_code=413)


async def _bad_json(request: Request, exc: Exception) -> Response:
    return _error(400, "the request body is not valid JSON")


def create_app(workspace: str | Path, token: str | None = None, max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB,
               cookie_suffix: str = "") -> SecurityMiddleware:
    """The ASGI app for ``workspace``: every request needs ``token`` (random when not given; ``app.web.token``)."""
    web = WebApp(workspace, token, max_upload_mb, cookie_suffix)
    routes = [
        Route("/", page_start),
        Route("/studies", page_create, methods=["POST"]),
        Route("/studies/{study}", page_study),
        Route("/studies/{study}/validation", page_validation),
        Route("/studies/{study}/upload", page_upload, methods=["POST"]),
        Route("/studies/{study}/sheets/{table}", page_sheet),
        Route("/studies/{study}/settings", page_settings, methods=["GET", "POST"]),
        Route("/studies/{study}/report", page_report, methods=["GET", "POST"]),
        Route("/studies/{study}/how", page_how),
        Route("/api/studies", api_studies, methods=["GET", "POST"]),
        Route("/api/studies/{study}", api_study, methods=["GET", "DELETE"]),
        Route("/api/studies/{study}/data", api_data, methods=["PUT"]),
        Route("/api/studies/{study}/validation", api_validation),
        Route("/api/studies/{study}/preview", api_preview),
        Route("/api/studies/{study}/settings", api_settings, methods=["GET", "PUT"]),
        Route("/api/studies/{study}/report", api_report, methods=["GET", "POST"]),
        Route("/api/studies/{study}/outputs", api_outputs),
        Route("/api/studies/{study}/outputs.zip", api_outputs_zip),
        Route("/api/studies/{study}/outputs/{path:path}", api_output_file),
        Route("/api/template/{name}", api_template),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={UnknownStudy: _not_found, UploadRefused: _refused,
                                                       BodyTooLarge: _too_large, json.JSONDecodeError: _bad_json})
    app.state.web = web
    secured = SecurityMiddleware(app, web.token, web.cookie_name, web.max_upload_bytes)
    secured.web = web
    return secured
