"""The workspace: one folder per study, made from an upload, the demo or a folder already in the workspace.

Layout of a workspace (``oncocohort serve --workspace DIR``)::

    DIR/studies/<id>/meta.json      name and where the study came from
    DIR/studies/<id>/input/         the app's working copy: study.toml + study.xlsx or <table>.csv
    DIR/studies/<id>/report/        the last complete report (written by report.build.build_report)
    DIR/studies/<id>/report-input/  the exact input that report was built from ("how this was computed")
    DIR/<anything else>/            the user's own study folders, offered for opening and never written to

Uploads are copies, so the user's own files are never modified. A zip is unpacked only inside the workspace:
an entry with an absolute path, a ``..`` part or a symbolic link refuses the whole zip, and so does an archive
whose unpacked size or number of entries is beyond the limits (a "zip bomb").
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..io.config import CONFIG_NAME
from ..io.schema import TABLES_BY_NAME
from ..io.sources import WORKBOOK_NAME
from ..io.template import STUDY_TOML

STUDY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
DATA_FILES = (WORKBOOK_NAME, *(f"{name}.csv" for name in TABLES_BY_NAME))
STUDY_FILES = (CONFIG_NAME, *DATA_FILES)
MAX_ZIP_ENTRIES = 2000
ZIP_EXPANSION = 20  # an archive may unpack to at most this many times the upload limit


class UnknownStudy(KeyError):
    """No study of that id in the workspace (HTTP 404)."""


class UploadRefused(Exception):
    """An upload that is not taken, with the reason in words (shown to the user, HTTP 400)."""


@dataclass(frozen=True)
class StudyEntry:
    """One study of the workspace as the pages and the API list it."""

    id: str
    name: str
    source: str
    created: str
    layout: str

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "source": self.source, "created": self.created,
                "layout": self.layout}


def _layout(folder: Path) -> str:
    if (folder / WORKBOOK_NAME).is_file():
        return "xlsx"
    return "csv" if any((folder / f).is_file() for f in DATA_FILES) else "none"


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40].strip("-")
    return slug or "study"


def _zip_member_path(info: zipfile.ZipInfo) -> PurePosixPath:
    """The member's path, or UploadRefused for anything that could land outside the unpacking folder."""
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UploadRefused(f"the zip holds a symbolic link ('{name}'); links are refused — zip the files "
                            "themselves")
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        raise UploadRefused(f"the zip holds an entry with an absolute or Windows path ('{name}'); refused")
    path = PurePosixPath(name)
    if any(part == ".." for part in path.parts):
        raise UploadRefused(f"the zip holds an entry that points outside its folder ('{name}'); refused")
    return path


def read_study_zip(data: bytes, max_bytes: int) -> tuple[dict[str, bytes], list[str]]:
    """The study files of a zipped study folder → ({file name: bytes}, names of the entries not used).

    The study folder is the shallowest folder in the archive holding study.toml, study.xlsx or a table CSV.
    Every entry is checked before anything is read (see the module docstring)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadRefused("the file is not a readable zip archive") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise UploadRefused(f"the zip holds {len(infos)} entries; at most {MAX_ZIP_ENTRIES} are taken")
        if sum(i.file_size for i in infos) > ZIP_EXPANSION * max_bytes:
            raise UploadRefused(f"the zip unpacks to more than {ZIP_EXPANSION * max_bytes // 2**20} MB; refused")
        paths = {info.filename: _zip_member_path(info) for info in infos}
        candidates = [p for p in paths.values() if p.name in STUDY_FILES]
        if not candidates:
            raise UploadRefused("the zip holds no study.toml, study.xlsx or table CSV (patients.csv, ...)")
        depth = min(len(p.parts) for p in candidates)
        folders = {p.parent for p in candidates if len(p.parts) == depth}
        if len(folders) > 1:
            raise UploadRefused("the zip holds more than one study folder (" + ", ".join(
                sorted(str(f) for f in folders)) + "); zip one study at a time")
        folder = folders.pop()
        files, unused = {}, []
        for info in infos:
            path = paths[info.filename]
            if info.is_dir():
                continue
            if path.parent == folder and path.name in STUDY_FILES:
                files[path.name] = archive.read(info)
            else:
                unused.append(info.filename)
    return files, sorted(unused)


class Workspace:
    """The studies of one workspace folder (see the module docstring)."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        self.studies_dir = self.root / "studies"
        self.studies_dir.mkdir(parents=True, exist_ok=True)

    # ---- finding studies -------------------------------------------------------------------------------------
    def folder(self, study_id: str) -> Path:
        """The study's folder; KeyError for an id that is malformed or unknown (never a path outside)."""
        if not STUDY_ID.match(study_id or ""):
            raise UnknownStudy(study_id)
        folder = self.studies_dir / study_id
        if not (folder / "meta.json").is_file() or folder.is_symlink():
            raise UnknownStudy(study_id)
        return folder

    def input_dir(self, study_id: str) -> Path:
        return self.folder(study_id) / "input"

    def report_dir(self, study_id: str) -> Path:
        return self.folder(study_id) / "report"

    def report_input_dir(self, study_id: str) -> Path:
        return self.folder(study_id) / "report-input"

    def entry(self, study_id: str) -> StudyEntry:
        folder = self.folder(study_id)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        return StudyEntry(study_id, meta["name"], meta["source"], meta["created"], _layout(folder / "input"))

    def studies(self) -> list[StudyEntry]:
        """Every study, newest first."""
        entries = []
        for folder in self.studies_dir.iterdir():
            try:
                entries.append(self.entry(folder.name))
            except (KeyError, ValueError, OSError):
                continue
        return sorted(entries, key=lambda e: (e.created, e.id), reverse=True)

    def user_folders(self) -> list[str]:
        """Study folders the user put in the workspace (holding study.toml), as paths relative to it."""
        found = []
        for toml in sorted(self.root.glob(f"*/{CONFIG_NAME}")) + sorted(self.root.glob(f"*/*/{CONFIG_NAME}")):
            folder = toml.parent
            relative = folder.relative_to(self.root)
            if relative.parts[0] == "studies" or any(p.is_symlink() for p in (folder, toml)):
                continue
            found.append(relative.as_posix())
        return found

    # ---- making studies --------------------------------------------------------------------------------------
    def _new(self, name: str, source: str) -> tuple[str, Path]:
        base = _slug(name)
        while True:
            study_id = f"{base}-{secrets.token_hex(3)}"
            folder = self.studies_dir / study_id
            if not folder.exists():
                break
        (folder / "input").mkdir(parents=True)
        meta = {"name": name, "source": source, "created": dt.datetime.now().isoformat(timespec="seconds")}
        (folder / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        return study_id, folder

    def create_from_files(self, name: str, files: dict[str, bytes], source: str) -> str:
        """A new study from uploaded study files (by file name); without a study.toml the template's is used."""
        check_files(files, new_study=True)
        study_id, folder = self._new(name, source)
        self._put_files(folder / "input", files, whole_folder=True)
        return study_id

    def create_demo(self) -> str:
        from ..demo.cohort import write_demo_study

        study_id, folder = self._new("Demo study (synthetic)", "the bundled synthetic demo study")
        write_demo_study(folder / "input")
        return study_id

    def create_from_folder(self, relative: str) -> str:
        """A new study from a copy of a study folder inside the workspace (``relative`` as listed by
        :meth:`user_folders`); only its study files are copied, never a link."""
        if relative not in self.user_folders():
            raise UploadRefused(f"'{relative}' is not a study folder inside the workspace")
        source = self.root / relative
        files = {}
        for name in STUDY_FILES:
            path = source / name
            if path.is_file() and not path.is_symlink():
                files[name] = path.read_bytes()
        return self.create_from_files(relative, files, f"a copy of the workspace folder {relative}")

    def replace_data(self, study_id: str, files: dict[str, bytes], whole_folder: bool) -> None:
        """Re-upload into the study's working copy. ``whole_folder`` (a zip): every data file is replaced by
        those given; otherwise only the files given are (a workbook replaces table CSVs and the reverse).
        study.toml is replaced only when given."""
        check_files(files, new_study=False)
        self._put_files(self.input_dir(study_id), files, whole_folder)

    @staticmethod
    def _put_files(folder: Path, files: dict[str, bytes], whole_folder: bool) -> None:
        csvs = any(n.endswith(".csv") for n in files)
        for name in DATA_FILES:
            other_layout = (name == WORKBOOK_NAME and csvs) or (name != WORKBOOK_NAME and WORKBOOK_NAME in files)
            if whole_folder and any(n in DATA_FILES for n in files) or other_layout:
                (folder / name).unlink(missing_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        if not (folder / CONFIG_NAME).exists():
            (folder / CONFIG_NAME).write_text(STUDY_TOML, encoding="utf-8")

    def delete(self, study_id: str) -> None:
        shutil.rmtree(self.folder(study_id))


def check_files(files: dict[str, bytes], new_study: bool) -> None:
    """UploadRefused unless ``files`` are study files of one layout, with data for a new study."""
    unknown = [n for n in files if n not in STUDY_FILES]
    if unknown:
        raise UploadRefused(f"not a study file: {', '.join(unknown)} (expected {', '.join(STUDY_FILES)})")
    if WORKBOOK_NAME in files and any(n.endswith(".csv") for n in files):
        raise UploadRefused(f"the upload holds both {WORKBOOK_NAME} and table CSV files; keep one of the two")
    if not files or (new_study and not any(n in DATA_FILES for n in files)):
        raise UploadRefused(f"the upload holds no data: {WORKBOOK_NAME} or table CSV files are needed")


def files_from_upload(filename: str, data: bytes, max_bytes: int) -> tuple[dict[str, bytes], list[str]]:
    """An uploaded file → study files by name (+ zip entries not used): a workbook is taken as study.xlsx,
    a CSV by its table name, study.toml as itself, a zip as a study folder."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    lower = name.casefold()
    if lower.endswith(".zip"):
        return read_study_zip(data, max_bytes)
    if lower.endswith(".xlsx"):
        return {WORKBOOK_NAME: data}, []
    if lower == CONFIG_NAME:
        return {CONFIG_NAME: data}, []
    if lower.endswith(".csv") and lower[:-4] in TABLES_BY_NAME:
        return {lower: data}, []
    raise UploadRefused(f"'{name}' is not a study file: upload study.xlsx (any .xlsx name), a zip of the study "
                        "folder, study.toml or a table CSV (patients.csv, ...)")
