"""The report's output folder is swapped in whole: no stale files from a previous run, nothing left behind on
failure (not even an empty folder), and never a folder replaced that is not an oncocohort report."""

from __future__ import annotations

import json

import pytest

from oncocohort.report import build
from oncocohort.report.build import ReportError, build_report
from oncocohort.report.output_folder import OutputFolderRefused, staged_output
from tests.study_builder import example_tables, write_study

PREVIOUS = json.dumps({"schema": "oncocohort-results/1"})


def _previous_report(folder):
    (folder / "figures").mkdir(parents=True)
    (folder / "results.json").write_text(PREVIOUS)
    (folder / "figures" / "figure_from_last_run.png").write_bytes(b"old")
    return folder


def test_swap_replaces_the_previous_report_whole(tmp_path):
    out = _previous_report(tmp_path / "out")
    with staged_output(out) as staging:
        assert staging.parent == out.parent and staging.name.startswith(".out.staging-")
        (staging / "results.json").write_text(PREVIOUS)
    assert sorted(p.name for p in out.rglob("*")) == ["results.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging or old folder left


def test_failure_leaves_nothing_and_keeps_the_previous_report(tmp_path):
    out = _previous_report(tmp_path / "out")
    with pytest.raises(RuntimeError), staged_output(out) as staging:
        (staging / "half.csv").write_text("x")
        raise RuntimeError("disk full")
    assert (out / "figures" / "figure_from_last_run.png").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with pytest.raises(RuntimeError), staged_output(tmp_path / "new" / "deeper" / "out"):
        raise RuntimeError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the parents it made are gone too


@pytest.mark.parametrize("content", ["notes.txt", "results.json"])
def test_a_folder_that_is_not_a_report_is_refused(tmp_path, content):
    out = tmp_path / "Documents"
    out.mkdir()
    (out / content).write_text("{\"mine\": 1}")  # a results.json not written by oncocohort is not a report
    with pytest.raises(OutputFolderRefused, match="not an oncocohort report"), staged_output(out):
        pass
    assert [p.name for p in out.iterdir()] == [content]


def test_study_or_current_folder_inside_out_is_refused(tmp_path, monkeypatch):
    with pytest.raises(OutputFolderRefused, match="study folder .* is inside the output folder"):
        with staged_output(tmp_path, keep=(tmp_path / "study",)):
            pass
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputFolderRefused, match="holds the current folder"), staged_output(tmp_path.parent):
        pass


@pytest.fixture(scope="module")
def small_study(tmp_path_factory):
    return write_study(tmp_path_factory.mktemp("small") / "study", example_tables())


def test_report_rerun_drops_files_of_the_previous_run(small_study, tmp_path):
    out = _previous_report(tmp_path / "out")
    build_report(small_study, out, ("html",))
    assert not (out / "figures" / "figure_from_last_run.png").exists()
    assert (out / "report.html").exists() and (out / "figures" / "figure_01_flow.png").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failed_report_leaves_no_folder(small_study, tmp_path, monkeypatch):
    def fail_midway(results, datasets, folder, formats, progress, options, *more):
        (folder / "results.json").write_text("{}")
        raise ReportError("LibreOffice could not convert report.docx")
    monkeypatch.setattr(build, "_write_all", fail_midway)
    with pytest.raises(ReportError, match="LibreOffice"):
        build_report(small_study, tmp_path / "reports" / "out", ("html",))
    assert list(tmp_path.iterdir()) == []


def test_report_refuses_a_folder_of_other_files_before_any_work(small_study, tmp_path, monkeypatch):
    (tmp_path / "thesis.docx").write_bytes(b"mine")
    monkeypatch.setattr(build, "analyse_folder", lambda *a: pytest.fail("analysed before checking --out"))
    with pytest.raises(ReportError, match="not an oncocohort report .*'thesis.docx'.*no report written"):
        build_report(small_study, tmp_path, ("html",))
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.docx"]
