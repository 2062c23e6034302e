"""Figures drawn in worker processes: the same bytes as drawn one by one in this process, whichever process draws
which figure (pool workers, or the figure processes forked when the report starts: the whole report compared);
errors come back to the report; serial where forking is unsafe (other threads); the report process itself never
loads matplotlib."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from oncocohort.present.figure_style import plt
from oncocohort.present.journal_style import use_style
from oncocohort.report import figure_files
from oncocohort.report.build import figure_plans
from oncocohort.report.figure_files import FigurePlan, available_workers, start_figures

ROOT = Path(__file__).resolve().parents[2]


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


# ------------------------------------------------------------------ figure processes forked when the report starts

def _broken_plans(results):
    return [FigurePlan("empty", "", _empty), FigurePlan("broken", "", _broken)]


def _empty_plans(results):
    return [FigurePlan(f"empty{i}", "", _empty) for i in range(results)]


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_figure_processes_draw_every_figure_in_plan_order(tmp_path):
    with figure_files.start_figure_processes(workers=2) as processes:
        drawn = processes.draw(_empty_plans, 5, [tmp_path / f"figure_{i}" for i in range(5)], "default").result()
    assert [caption for caption, _ in drawn] == ["an empty figure."] * 5
    assert [paths[0].name for _, paths in drawn] == [f"figure_{i}.png" for i in range(5)]
    assert len(list(tmp_path.iterdir())) == 15


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_figure_processes_and_pool_write_only_the_formats_asked_for(tmp_path):
    with figure_files.start_figure_processes(workers=2) as processes:
        drawn = processes.draw(_empty_plans, 3, [tmp_path / f"figure_{i}" for i in range(3)], "default",
                               formats=("png", "pdf")).result()
    assert [[p.suffix for p in paths] for _, paths in drawn] == [[".png", ".pdf"]] * 3
    (tmp_path / "pool").mkdir()
    with start_figures(_empty_plans(3), [tmp_path / "pool" / f"figure_{i}" for i in range(3)], "default",
                       workers=2, formats=("png",)) as drawing:
        drawing.result()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == sorted(
        f"figure_{i}{suffix}" for i in range(3) for suffix in (".png", ".pdf"))
    assert sorted(p.name for p in (tmp_path / "pool").iterdir()) == [f"figure_{i}.png" for i in range(3)]


def _plans_of_large_results(results):
    return _empty_plans(results[0])


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_results_larger_than_a_socket_buffer_reach_the_figure_processes(tmp_path):
    """Results of a few MB (a large cohort's curves): sent to the warmed process only — sent to each helper's end
    too, nobody read them there and the report failed with BrokenPipeError once the helper ended."""
    with figure_files.start_figure_processes(workers=2) as processes:
        drawn = processes.draw(_plans_of_large_results, (4, b"x" * 4_000_000),
                               [tmp_path / f"figure_{i}" for i in range(4)], "default").result()
    assert [caption for caption, _ in drawn] == ["an empty figure."] * 4


def _slow():
    time.sleep(0.3)
    figure = plt.figure(figsize=(1, 1))
    return f"drawn by {os.getpid()}", figure


def _slow_plans(results):
    return [FigurePlan(f"slow{i}", "", _slow) for i in range(results)]


def _empty_plans_of_big_results(results):
    return [FigurePlan(f"empty{i}", "", _empty) for i in range(results[0])]


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_results_larger_than_a_pipe_buffer_reach_the_figure_processes(tmp_path):
    """The results of a real-size study pickle to more than a pipe's 64 KiB: sending them must not block (it did
    when they went down every process's pipe but only the warmed process read them)."""
    results = (4, "x" * 1_000_000)
    with figure_files.start_figure_processes(workers=2) as processes:
        drawn = processes.draw(_empty_plans_of_big_results, results,
                               [tmp_path / f"figure_{i}" for i in range(4)], "default").result()
    assert [caption for caption, _ in drawn] == ["an empty figure."] * 4


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_the_warmed_figure_process_and_its_helper_share_the_figures(tmp_path):
    with figure_files.start_figure_processes(workers=2) as processes:
        drawn = processes.draw(_slow_plans, 6, [tmp_path / f"figure_{i}" for i in range(6)], "default").result()
    drawers = {caption for caption, _ in drawn}
    assert len(drawers) == 2 and str(os.getpid()) not in " ".join(drawers)


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_a_drawing_error_in_a_figure_process_reaches_the_report(tmp_path):
    with figure_files.start_figure_processes(workers=2) as processes:
        drawing = processes.draw(_broken_plans, None, [tmp_path / "a", tmp_path / "b"], "default")
        with pytest.raises(RuntimeError, match="could not be drawn"):
            drawing.result()


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_figure_processes_not_needed_end_at_once():
    processes = figure_files.start_figure_processes(workers=2)
    child = processes._process
    processes.close()  # e.g. the study had validation errors
    assert not child.is_alive() and child.exitcode == 0
    assert figure_files.start_figure_processes(workers=1) is None  # serial: drawn in the report process


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_report_with_figure_processes_writes_the_same_bytes_as_serial(demo_study, tmp_path, monkeypatch):
    from oncocohort.report.build import build_report

    build_report(demo_study, tmp_path / "processes")
    monkeypatch.setattr(figure_files, "available_workers", lambda: 1)
    build_report(demo_study, tmp_path / "serial")
    files = sorted(p.relative_to(tmp_path / "serial") for p in (tmp_path / "serial").rglob("*") if p.is_file())
    assert len([p for p in files if p.parts[0] == "figures"]) >= 30
    assert files == sorted(p.relative_to(tmp_path / "processes") for p in (tmp_path / "processes").rglob("*")
                           if p.is_file())
    for name in files:
        assert (tmp_path / "processes" / name).read_bytes() == (tmp_path / "serial" / name).read_bytes(), name


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_the_report_process_never_loads_matplotlib(demo_study, tmp_path):
    """The figure processes load and warm matplotlib while the report process analyses; it never loads it."""
    code = ("import sys; from oncocohort.report.build import build_report; "
            f"build_report({str(demo_study)!r}, {str(tmp_path / 'out')!r}); "
            "print(sorted(m for m in ('matplotlib', 'statsmodels') if m in sys.modules))")
    assert _last_line_printed(code) == "[]"
    assert len(list((tmp_path / "out" / "figures").glob("*.png"))) >= 10


def _last_line_printed(code: str) -> str:
    """The last line ``python -c code`` prints (run from the checkout's root); the run must succeed."""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
def test_results_that_cannot_be_sent_are_drawn_here(tmp_path):
    processes = figure_files.start_figure_processes(workers=2)
    child = processes._process
    assert processes.draw(_empty_plans, threading.Lock(), [tmp_path / "a"], "default") is None  # a lock: no pickle
    assert not child.is_alive()  # ended: the report draws the figures itself (build._start_drawing)


# ------------------------------------------------------------------ the order of drawing: costliest first

def test_the_drawing_order_is_costliest_first_ties_in_plan_order():
    plans = [FigurePlan(key, "", _empty, cost) for key, cost in
             (("flow", 1.0), ("swimmer", 2.2), ("km", 1.0), ("forest", 1.8), ("forest2", 1.8), ("km_by", 1.3))]
    assert figure_files.drawing_order(plans) == [1, 3, 4, 5, 0, 2]


def _logged_plans(log):
    """Plans whose drawing appends their key to the file ``log`` (drawn in the figure process)."""
    def logged(key):
        def draw():
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(key + "\n")
            return _empty()
        return draw
    return [FigurePlan(f"f{i}", "", logged(f"f{i}"), cost) for i, cost in enumerate((1.0, 3.0, 1.0, 2.0))]


def test_figure_processes_take_the_figures_in_the_order_given_and_return_them_in_plan_order(tmp_path):
    log = tmp_path / "log.txt"
    plans = _logged_plans(log)
    stems = [tmp_path / f"figure_{i}" for i in range(len(plans))]
    with figure_files.FigureProcesses(1) as processes:  # one process: the order taken is the order drawn
        drawn = processes.draw(_logged_plans, log, stems, "default", figure_files.drawing_order(plans)).result()
    assert log.read_text(encoding="utf-8").split() == ["f1", "f3", "f0", "f2"]
    assert [paths[0].name for _, paths in drawn] == [f"figure_{i}.png" for i in range(4)]
    with pytest.raises(ValueError, match="every figure once"), figure_files.FigureProcesses(1) as processes:
        processes.draw(_logged_plans, log, stems, "default", [0, 0, 1, 2])


def test_drawn_serially_in_plan_order(tmp_path):
    log = tmp_path / "log.txt"
    _render(_logged_plans(log), tmp_path / "serial", workers=1)
    assert log.read_text(encoding="utf-8").split() == ["f0", "f1", "f2", "f3"]


@pytest.mark.parametrize("formats, loaded", [(("png",), "False,False"), (("png", "svg", "pdf"), "True,True")])
def test_figure_processes_warm_up_only_the_formats_asked_for(formats, loaded):
    """`--figure-formats png` forks figure processes that load neither the SVG nor the PDF backend (the PDF one
    brings the font subsetter): the warm-up draws into the report's formats only."""
    code = ("import sys\nfrom oncocohort.report.figure_files import warm_up\n"
            f"warm_up({formats!r})\n"
            "print(','.join(str(m in sys.modules) for m in ('matplotlib.backends.backend_svg', "
            "'matplotlib.backends.backend_pdf')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == loaded


@pytest.mark.skipif(available_workers() < 2, reason="forking workers needs Linux and no other threads")
@pytest.mark.parametrize("command", ["demo", "report"])
def test_the_command_line_forks_the_figure_processes_before_it_loads_pandas(command, demo_study, tmp_path):
    """`oncocohort demo` and `oncocohort report` fork the figure processes first, so matplotlib loads on another
    CPU while the report process imports pandas and the statistics; the report uses them (no second fork)."""
    arguments = ["demo"] if command == "demo" else ["report", str(demo_study)]
    code = ("import sys; from oncocohort.report import figure_files; from oncocohort import cli; forks = []; "
            "start = figure_files.start_figure_processes; "
            "figure_files.start_figure_processes = lambda *a, **k: forks.append('pandas' in sys.modules) "
            "or start(*a, **k); "
            f"code = cli.main({[*arguments, '--out', str(tmp_path / 'out'), '--format', 'html']!r}); "
            "print(code, forks)")
    assert _last_line_printed(code) == "0 [False]"
    assert len(list((tmp_path / "out" / "figures").glob("*.png"))) >= 10
