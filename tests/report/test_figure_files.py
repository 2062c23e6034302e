"""Figures drawn in worker processes: the same bytes as drawn one by one in this process, whichever process draws
which figure; errors come back to the report; serial where forking is unsafe (other threads)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from oncocohort.present.figure_style import plt
from oncocohort.present.journal_style import use_style
from oncocohort.report import figure_files
from oncocohort.report.build import figure_plans
from oncocohort.report.figure_files import FigurePlan, available_workers, start_figures


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _render(plans, folder: Path, workers: int, style: str = "default"):
    folder.mkdir()
    with use_style(style), start_figures(plans, [folder / f"figure_{i:02d}_{p.key}" for i, p in enumerate(plans)],
                                         style, workers=workers) as drawing:
        return drawing.result()


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_workers_write_the_same_bytes_as_one_process(demo_results, tmp_path):
    plans = figure_plans(demo_results)
    assert len(plans) >= 10
    serial = _render(plans, tmp_path / "serial", workers=1)
    parallel = _render(plans, tmp_path / "parallel", workers=2)
    assert [caption for caption, _ in parallel] == [caption for caption, _ in serial]
    assert [[p.name for p in paths] for _, paths in parallel] == [[p.name for p in paths] for _, paths in serial]
    assert _files(tmp_path / "parallel") == _files(tmp_path / "serial")
    assert len(_files(tmp_path / "serial")) == 3 * len(plans)  # PNG, SVG, PDF of every figure


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_the_journal_style_reaches_the_workers(demo_results, tmp_path):
    plans = [p for p in figure_plans(demo_results) if p.key.startswith("km_pfs_by")][:1]
    plans = plans * 2  # two figures: the pool is used
    lancet = _render(plans, tmp_path / "lancet", workers=2, style="lancet")
    default = _render(plans, tmp_path / "default", workers=1)
    assert lancet[0][1][0].read_bytes() != default[0][1][0].read_bytes()  # p = 0·xx drawn with the mid-line dot
    assert lancet[0][0] == default[0][0]


def _broken():
    raise RuntimeError("figure could not be drawn")


def _empty():
    figure = plt.figure(figsize=(1, 1))
    return "an empty figure.", figure


@pytest.mark.parametrize("workers", [1, 2])
def test_a_drawing_error_reaches_the_report(tmp_path, workers):
    plans = [FigurePlan("empty", "", _empty), FigurePlan("broken", "", _broken), FigurePlan("empty2", "", _empty)]
    with pytest.raises(RuntimeError, match="could not be drawn"):
        _render(plans, tmp_path / "out", workers=workers)
    assert figure_files._PLANS == ()


def test_serial_while_other_threads_run():
    assert available_workers() >= 1
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert available_workers() == 1  # forking a threaded process can deadlock: drawn in this process
    finally:
        release.set()
        thread.join()
