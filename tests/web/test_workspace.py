"""Workspace: uploads become copies inside the workspace; zips are checked entry by entry before anything is read."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from oncocohort.web.workspace import (
    UnknownStudy,
    UploadRefused,
    Workspace,
    files_from_upload,
    read_study_zip,
)

LIMIT = 10 * 2**20


def _zip(entries: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def test_zip_of_a_study_folder_takes_its_files_and_lists_the_rest():
    data = _zip({"my study/study.toml": b"x", "my study/patients.csv": b"p", "my study/notes/readme.txt": b"r",
                 "__MACOSX/my study/._patients.csv": b""})
    files, unused = read_study_zip(data, LIMIT)
    assert files == {"study.toml": b"x", "patients.csv": b"p"}
    assert unused == ["__MACOSX/my study/._patients.csv", "my study/notes/readme.txt"]


@pytest.mark.parametrize("name", ["../patients.csv", "study/../../patients.csv", "/etc/patients.csv",
                                  "C:/temp/patients.csv", "study\\..\\patients.csv"])
def test_zip_slip_entries_refuse_the_whole_zip(name):
    with pytest.raises(UploadRefused, match="refused"):
        read_study_zip(_zip({"study/study.toml": b"x", name: b"evil"}), LIMIT)


def test_zip_with_a_symbolic_link_is_refused():
    with pytest.raises(UploadRefused, match="symbolic link"):
        read_study_zip(_zip({"study/study.toml": b"x"}, {"study/patients.csv": "/etc/passwd"}), LIMIT)


def test_zip_that_unpacks_beyond_the_limit_is_refused():
    data = _zip({"study/patients.csv": b"0" * 3000})
    with pytest.raises(UploadRefused, match="unpacks to more than"):
        read_study_zip(data, 100)


def test_zip_with_two_study_folders_or_none_is_refused():
    with pytest.raises(UploadRefused, match="more than one study folder"):
        read_study_zip(_zip({"a/study.toml": b"x", "b/study.toml": b"y"}), LIMIT)
    with pytest.raises(UploadRefused, match="no study.toml"):
        read_study_zip(_zip({"a/readme.txt": b"x"}), LIMIT)
    with pytest.raises(UploadRefused, match="not a readable zip"):
        read_study_zip(b"not a zip", LIMIT)


def test_upload_names():
    assert files_from_upload("C:\\Users\\me\\My cohort.xlsx", b"x", LIMIT) == ({"study.xlsx": b"x"}, [])
    assert files_from_upload("Patients.CSV", b"x", LIMIT) == ({"patients.csv": b"x"}, [])
    with pytest.raises(UploadRefused, match="not a study file"):
        files_from_upload("report.docx", b"x", LIMIT)


def test_studies_live_in_their_own_folders_and_ids_cannot_leave_the_workspace(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    first = workspace.create_from_files("A", {"study.xlsx": b"1"}, "an upload")
    second = workspace.create_from_files("A", {"patients.csv": b"2"}, "an upload")
    assert first != second
    assert (workspace.input_dir(first) / "study.xlsx").read_bytes() == b"1"
    assert (workspace.input_dir(first) / "study.toml").exists()  # the template's settings
    assert workspace.entry(second).layout == "csv"
    for bad in ("..", "../ws", "studies", "", "A" * 70, first + "/../x"):
        with pytest.raises(UnknownStudy):
            workspace.folder(bad)


def test_reupload_replaces_one_layout_with_the_other(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    study = workspace.create_from_files("A", {"patients.csv": b"p", "followup.csv": b"f"}, "an upload")
    workspace.replace_data(study, {"patients.csv": b"p2"}, whole_folder=False)
    assert sorted(p.name for p in workspace.input_dir(study).iterdir()) == ["followup.csv", "patients.csv",
                                                                          "study.toml"]
    workspace.replace_data(study, {"study.xlsx": b"x"}, whole_folder=False)
    assert sorted(p.name for p in workspace.input_dir(study).iterdir()) == ["study.toml", "study.xlsx"]
    with pytest.raises(UploadRefused, match="both study.xlsx and table CSV"):
        workspace.replace_data(study, {"study.xlsx": b"x", "patients.csv": b"p"}, whole_folder=True)


def test_a_workspace_folder_is_copied_never_written_and_links_are_not_followed(tmp_path):
    root = tmp_path / "ws"
    own = root / "my-study"
    own.mkdir(parents=True)
    (own / "study.toml").write_text("[study]\n", encoding="utf-8")
    (own / "patients.csv").write_text("patient_id\n", encoding="utf-8")
    outside = tmp_path / "secret.csv"
    outside.write_text("secret", encoding="utf-8")
    (own / "followup.csv").symlink_to(outside)
    workspace = Workspace(root)
    assert workspace.user_folders() == ["my-study"]
    before = {p.name: p.read_bytes() for p in own.iterdir()}
    study = workspace.create_from_folder("my-study")
    assert sorted(p.name for p in workspace.input_dir(study).iterdir()) == ["patients.csv", "study.toml"]
    (workspace.input_dir(study) / "study.toml").write_text("changed", encoding="utf-8")
    assert {p.name: p.read_bytes() for p in own.iterdir()} == before
    with pytest.raises(UploadRefused):
        workspace.create_from_folder("../")
