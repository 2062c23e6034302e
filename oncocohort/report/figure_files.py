"""The report's figures drawn and written to files (PNG, SVG, PDF) in other processes while the report analyses the
study and writes its tables — the same bytes as drawing them one by one.

matplotlib keeps global state (pyplot's figure list, rcParams), so figures are not drawn in threads but in
processes. Two ways, the same files:

- :func:`start_figure_processes` (the report): a figure process is forked when the report starts, before the study
  is validated. It loads matplotlib, the figure modules and the PNG/SVG/PDF backends and draws a small figure in
  every format (fonts loaded, caches filled) while the report process validates, derives and analyses — work that
  otherwise sits on the report's critical path; the report process itself never loads matplotlib.
  :meth:`FigureProcesses.draw` then sends it the study's results (pickled: a few tens of kB), the file stems and
  the journal style; it forks one helper per further CPU (sharing its warmed state, so the warm-up is paid once),
  each process takes the next figure not yet taken (a counter in shared memory) until none is left and sends back
  (caption, files) per figure on its own pipe, collected in plan order by :meth:`Drawing.result`.
- :func:`start_figures` (plans already in hand, and the serial fallback): a pool of workers forked now, the figures
  no worker has started drawn in this process once it asks for the result (from the last one back).

Drawing is serial, in this process, when forking is unavailable or unsafe: one CPU, no ``fork`` start method
(Windows, or macOS where forking is unsafe), or other threads running (the web app's report thread: forking a
threaded process can deadlock).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING

from ..present.figure_formats import FIGURE_FORMATS
from ..present.journal_style import use_style

if TYPE_CHECKING:  # matplotlib is imported where figures are drawn, never by the report process for nothing
    from matplotlib.figure import Figure as MatplotlibFigure


@dataclass(frozen=True)
class FigurePlan:
    """A figure the report will show, before it is drawn: its ``key`` (file name end, layout place), ``topic`` (what
    it shows, for the text), ``draw`` (→ caption without a number, the drawn matplotlib figure) and ``cost``: how
    long it takes to draw and save relative to a simple figure, which only decides the order of drawing."""

    key: str
    topic: str
    draw: Callable[[], tuple[str, MatplotlibFigure]]
    cost: float = 1.0


def drawing_order(plans: Sequence[FigurePlan]) -> list[int]:
    """The plans' indices, costliest first (ties in plan order): the processes take figures in this order, so the
    last ones taken are short and the processes finish close together (the longest-first rule)."""
    return sorted(range(len(plans)), key=lambda i: -plans[i].cost)


_PLANS: Sequence[FigurePlan] = ()  # the plans forked workers draw from (inherited at the fork, never pickled)


def _draw_and_save(index: int, stem: Path, style: str, formats: tuple[str, ...] = FIGURE_FORMATS
                   ) -> tuple[str, list[Path]]:
    """Draw plan ``index`` and write ``stem``.png (and .svg/.pdf as ``formats`` asks) → (caption, paths)."""
    from ..present.figure_style import plt, save_figure

    with use_style(style):
        caption, figure = _PLANS[index].draw()
        try:
            return caption, save_figure(figure, stem, formats)
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


# ------------------------------------------------------------------------ figure processes forked at the start

def warm_up(formats: tuple[str, ...] = FIGURE_FORMATS) -> None:
    """Load what drawing needs — matplotlib, the figure modules, the backends of ``formats`` (PNG always: Agg and
    :mod:`~oncocohort.present.png_file`; the SVG and PDF backends as asked) — and draw one small text figure into
    each of ``formats`` the way :func:`~oncocohort.present.figure_style.save_format` writes it (fonts opened, glyph
    caches filled), writing no file. The PNG is drawn by Agg and encoded by ``png_file``, not by ``savefig``, which
    would load Pillow's image plugins that the figures never use."""
    import io

    from ..present import (  # noqa: F401 (the figure modules the plans draw with)
        cif_figure,
        consort_figure,
        forest_figure,
        km_figure,
        orr_bars_figure,
        spider_figure,
        swimmer_figure,
        waterfall_figure,
    )
    from ..present.figure_style import DPI, PNG_COMPRESS_LEVEL, apply_style, plt
    from ..present.png_file import png_bytes

    apply_style()
    figure = plt.figure(figsize=(1, 1))
    figure.text(0.1, 0.5, "Aa 0.1 – %", fontweight="bold")
    figure.text(0.1, 0.2, "Aa 0.1 – %")
    figure.canvas.draw()
    png_bytes(figure.canvas.buffer_rgba(), DPI, PNG_COMPRESS_LEVEL)
    for fmt in formats:  # loads each format's backend (SVG, PDF) on its first use
        if fmt != "png":
            figure.savefig(io.BytesIO(), format=fmt, dpi=DPI)
    plt.close(figure)


def _serve(ends: Sequence[Connection], report_ends: Sequence[Connection], counter,
           formats: tuple[str, ...] = FIGURE_FORMATS) -> None:
    """The figure process: warm up for ``formats``, wait for (plans function, results, stems, style, order, formats)
    on ``ends[0]``, fork one helper per further end (they share this process's warmed state), then each draws the
    next figure no process has taken until none is left and sends back ("ok", [(index, caption, paths)]) or
    ("error", exception) on its own end."""
    for end in report_ends:  # the report's ends, closed here: a report that dies is seen as the end of its pipe
        end.close()
    try:
        warm_up(formats)
        message = ends[0].recv_bytes()
    except (EOFError, KeyboardInterrupt):  # the report went away
        return
    if not message:  # the report stopped before its figures (e.g. validation errors)
        return
    helpers = []
    for end in ends[1:]:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # a helper: draws, replies on its own end, and ends without running this process's exit code
            try:
                for other in ends:
                    if other is not end:
                        other.close()
                _draw_share(end, message, counter)
            finally:
                os._exit(0)
        helpers.append(pid)
        end.close()
    _draw_share(ends[0], message, counter)
    for pid in helpers:
        os.waitpid(pid, 0)


def _draw_share(connection: Connection, message: bytes, counter) -> None:
    """Draw figures taken from ``counter`` until none is left; the reply goes to ``connection``."""
    global _PLANS
    try:
        plans_of, results, stems, style, order, formats = pickle.loads(message)
        _PLANS = plans_of(results)
        drawn = []
        while (taken := _next_figure(counter)) < len(stems):
            index = order[taken]
            drawn.append((index, *_draw_and_save(index, stems[index], style, formats)))
        reply = ("ok", drawn)
    except BaseException as error:  # noqa: BLE001 - any failure goes back to the report, which raises it
        _stop(counter)  # the other processes take no further figure
        reply = ("error", _picklable(error))
    try:
        connection.send(reply)
    except OSError:  # the report went away
        pass


_NONE_LEFT = 1 << 62  # a counter value past any figure


def _next_figure(counter) -> int:
    with counter.get_lock():
        index = counter.value
        counter.value = min(index + 1, _NONE_LEFT)
    return index


def _stop(counter) -> None:
    with counter.get_lock():
        counter.value = _NONE_LEFT


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001
        return RuntimeError("".join(traceback.format_exception_only(type(error), error)).strip())


class Drawing:
    """Figures being drawn by the figure processes (:meth:`FigureProcesses.draw`); :meth:`result` collects them."""

    def __init__(self, processes: FigureProcesses, n_figures: int):
        self._processes, self._n = processes, n_figures

    def result(self) -> list[tuple[str, list[Path]]]:
        """(caption, files written) per plan, in plan order; a drawing error is raised here."""
        by_index: dict[int, tuple[str, list[Path]]] = {}
        errors, ended = [], []
        pending = list(self._processes.connections)
        try:
            while pending:
                for connection in wait(pending):
                    pending.remove(connection)
                    try:
                        status, payload = connection.recv()
                    except EOFError:
                        ended.append(RuntimeError("a figure process ended without sending its figures"))
                        continue
                    if status == "error":
                        errors.append(payload)
                    else:
                        by_index.update((index, (caption, paths)) for index, caption, paths in payload)
        finally:
            self._processes.close()
        if errors or ended:
            raise (errors or ended)[0]
        if sorted(by_index) != list(range(self._n)):
            raise RuntimeError("figures missing from the figure processes")
        return [by_index[i] for i in range(self._n)]


class FigureProcesses:
    """Processes forked at the report's start that warm up while the report analyses, then draw its figures
    (module docstring). Use as a context manager: leaving it stops processes that were not needed."""

    def __init__(self, workers: int, formats: tuple[str, ...] = FIGURE_FORMATS):
        context = multiprocessing.get_context("fork")
        self._counter = context.Value("q", 0)
        self.connections: list[Connection] = []
        child_ends = []
        for _ in range(workers):
            mine, theirs = context.Pipe()
            self.connections.append(mine)
            child_ends.append(theirs)
        # one process warms up; it forks the others when the results come, so the warm-up is paid once
        self._process = context.Process(target=_serve,
                                        args=(child_ends, self.connections, self._counter, tuple(formats)),
                                        daemon=True, name="oncocohort-figures")
        self._process.start()
        for theirs in child_ends:
            theirs.close()

    def __enter__(self) -> FigureProcesses:
        return self

    def __exit__(self, *error) -> None:
        self.close()

    def draw(self, plans_of: Callable[[object], Sequence[FigurePlan]], results, stems: Sequence[Path],
             style: str, order: Sequence[int] | None = None, formats: tuple[str, ...] = FIGURE_FORMATS
             ) -> Drawing | None:
        """Start drawing ``plans_of(results)`` (a module-level function: it is pickled by name and called in each
        figure process) into ``stems`` with journal ``style`` as ``formats`` (PNG always), taking them in ``order``
        (indices; None: plan order); None (processes ended) when the results cannot be pickled — the caller then
        draws them itself."""
        order = list(range(len(stems)) if order is None else order)
        if sorted(order) != list(range(len(stems))):
            raise ValueError("the drawing order must name every figure once")
        try:
            message = pickle.dumps((plans_of, results, list(stems), style, order, tuple(formats)),
                                   protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):  # results holding something that cannot be sent
            self.close()
            return None
        # only the warmed process reads the message (its forked helpers inherit it): sent on the other pipes it
        # would fill their buffers (64 KiB) unread and block the report for results of 1,000 patients or more
        self.connections[0].send_bytes(message)
        return Drawing(self, len(stems))

    def close(self) -> None:
        """Tell idle processes there is nothing to draw, stop the others after their figure, end every process."""
        _stop(self._counter)
        for connection in self.connections:
            try:
                connection.send_bytes(b"")  # ignored by a process already drawing or done
            except OSError:
                pass
            connection.close()
        if self._process is not None:
            self._process.join(timeout=10)
            if self._process.is_alive():  # pragma: no cover - a hung process
                self._process.terminate()
                self._process.join()
        self.connections, self._process = [], None


def start_figure_processes(workers: int | None = None, formats: tuple[str, ...] = FIGURE_FORMATS
                           ) -> FigureProcesses | None:
    """Fork the figure processes now (``workers`` of them; None: :func:`available_workers`), warmed up for the figure
    ``formats`` the report will write, or None when figures are to be drawn serially in this process (one CPU, or
    forking unavailable or unsafe)."""
    workers = available_workers() if workers is None else workers
    return FigureProcesses(workers, formats) if workers > 1 else None


# ------------------------------------------------------------------------ a pool forked for plans in hand

class FigureFiles:
    """Figures being drawn and saved: started by :func:`start_figures`, collected with :meth:`result`."""

    def __init__(self, plans: Sequence[FigurePlan], stems: Sequence[Path], style: str, workers: int,
                 formats: tuple[str, ...] = FIGURE_FORMATS):
        global _PLANS
        self._plans, self._stems, self._style, self._formats = list(plans), list(stems), style, tuple(formats)
        self._executor: ProcessPoolExecutor | None = None
        self._futures: list[Future] = []
        if workers > 1 and len(self._plans) > 1:
            _PLANS = self._plans
            self._executor = ProcessPoolExecutor(min(workers, len(self._plans)),
                                                 mp_context=multiprocessing.get_context("fork"))
            order = drawing_order(self._plans)  # costliest first; this process takes the cheap ones at the end
            futures = {i: self._executor.submit(_draw_and_save, i, self._stems[i], style, self._formats)
                       for i in order}
            self._futures = [futures[i] for i in range(len(self._plans))]

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
                return [_draw_and_save(i, stem, self._style, self._formats) for i, stem in enumerate(self._stems)]
            # the figures no worker has taken yet are drawn here, from the last one back, while the workers go on
            # from the front (this process has finished its own work by now; the CPUs stay busy to the end)
            done_here = {}
            for index in reversed(drawing_order(self._plans)):
                if self._futures[index].cancel():
                    done_here[index] = _draw_and_save(index, self._stems[index], self._style, self._formats)
            return [done_here[i] if i in done_here else future.result() for i, future in enumerate(self._futures)]
        finally:
            self.close()


def start_figures(plans: Sequence[FigurePlan], stems: Sequence[Path], style: str,
                  workers: int | None = None, formats: tuple[str, ...] = FIGURE_FORMATS) -> FigureFiles:
    """Start drawing ``plans`` into ``stems`` (no suffix) with journal ``style`` as ``formats`` (PNG always) in
    ``workers`` processes (None: :func:`available_workers`; 1: serial, when :meth:`FigureFiles.result` is called)."""
    return FigureFiles(plans, stems, style, available_workers() if workers is None else workers, formats)
