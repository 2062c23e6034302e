"""The report's figures drawn and written to files (PNG, SVG, PDF) in worker processes while the report writes its
tables — the same bytes as drawing them one by one.

matplotlib keeps global state (pyplot's figure list, rcParams), so figures are not drawn in threads but in
processes. Workers are forked from the report process (they inherit the imported modules and the study's results,
nothing is pickled but the figure's index, file stem and journal style name), each draws and saves whole figures;
when the report process has written its tables it draws the figures no worker has started yet (from the last one
back). Results come back in plan order, and a figure's files are the same whichever process draws it. Drawing is
serial, in this process, when forking is unavailable or unsafe: one CPU, no ``fork`` start method (Windows, or macOS
where forking is unsafe), or other threads running (the web app's report thread: forking a threaded process can
deadlock).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..present.figure_style import plt, save_figure
from ..present.journal_style import use_style


@dataclass(frozen=True)
class FigurePlan:
    """A figure the report will show, before it is drawn: its ``key`` (file name end, layout place), ``topic`` (what
    it shows, for the text) and ``draw`` (→ caption without a number, the drawn matplotlib figure)."""

    key: str
    topic: str
    draw: Callable[[], tuple[str, plt.Figure]]


_PLANS: Sequence[FigurePlan] = ()  # the plans forked workers draw from (inherited at the fork, never pickled)


def _draw_and_save(index: int, stem: Path, style: str) -> tuple[str, list[Path]]:
    """Draw plan ``index`` and write ``stem``.png/.svg/.pdf → (caption, paths)."""
    with use_style(style):
        caption, figure = _PLANS[index].draw()
        try:
            return caption, save_figure(figure, stem)
        finally:
            plt.close(figure)


def available_workers() -> int:
    """How many processes may draw figures at once: the CPUs this process may use, or 1 (serial) when forking is
    unavailable or unsafe (module docstring)."""
    if (sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods()
            or threading.active_count() > 1):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - Linux always has it
        return os.cpu_count() or 1


class FigureFiles:
    """Figures being drawn and saved: started by :func:`start_figures`, collected with :meth:`result`."""

    def __init__(self, plans: Sequence[FigurePlan], stems: Sequence[Path], style: str, workers: int):
        global _PLANS
        self._plans, self._stems, self._style = list(plans), list(stems), style
        self._executor: ProcessPoolExecutor | None = None
        self._futures: list[Future] = []
        if workers > 1 and len(self._plans) > 1:
            _PLANS = self._plans
            self._executor = ProcessPoolExecutor(min(workers, len(self._plans)),
                                                 mp_context=multiprocessing.get_context("fork"))
            self._futures = [self._executor.submit(_draw_and_save, i, stem, style)
                             for i, stem in enumerate(self._stems)]

    def __enter__(self) -> FigureFiles:
        return self

    def __exit__(self, *error) -> None:
        """Stop the workers (figures not yet drawn are cancelled when the report failed meanwhile)."""
        self.close()

    def close(self) -> None:
        global _PLANS
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
        _PLANS = ()

    def result(self) -> list[tuple[str, list[Path]]]:
        """(caption, files written) per plan, in plan order; a drawing error is raised here."""
        global _PLANS
        try:
            if self._executor is None:  # serial
                _PLANS = self._plans
                return [_draw_and_save(i, stem, self._style) for i, stem in enumerate(self._stems)]
            # the figures no worker has taken yet are drawn here, from the last one back, while the workers go on
            # from the front (this process has finished its own work by now; the CPUs stay busy to the end)
            done_here = {}
            for index in reversed(range(len(self._futures))):
                if self._futures[index].cancel():
                    done_here[index] = _draw_and_save(index, self._stems[index], self._style)
            return [done_here[i] if i in done_here else future.result() for i, future in enumerate(self._futures)]
        finally:
            self.close()


def start_figures(plans: Sequence[FigurePlan], stems: Sequence[Path], style: str,
                  workers: int | None = None) -> FigureFiles:
    """Start drawing ``plans`` into ``stems`` (no suffix) with journal ``style`` in ``workers`` processes (None:
    :func:`available_workers`; 1: serial, when :meth:`FigureFiles.result` is called)."""
    return FigureFiles(plans, stems, style, available_workers() if workers is None else workers)
