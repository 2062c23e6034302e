"""One look for every figure: headless matplotlib, the same fonts and sizes, deterministic SVG ids, files written
without timestamps — and the layout rules that keep texts apart.

Figures import ``plt`` from here and start their canvas with :func:`start_figure`. Layout is done in inches from
the renderer's measured text extents (not by matplotlib's ``tight_layout``, which knows nothing of risk tables or
column texts): every figure is :data:`WIDTH` wide, keeps :data:`MARGIN` from the canvas edge and puts its legend in
a band outside the data with :func:`add_legend_band`.

The one title rule: no figure has a title in its image. Journals set the title in the caption under the figure
("Figure 3. Progression-free survival by …"), which the report writes in HTML and DOCX; panel labels, axis titles,
legends and in-panel test results stay in the image. :func:`start_figure` is where every figure starts, so the
rule holds for all of them (tests/present/test_figure_titles.py checks every figure builder).
"""

from __future__ import annotations

import importlib.util
import math
import sys
from itertools import accumulate
from pathlib import Path

import matplotlib

from .figure_formats import FIGURE_FORMATS

matplotlib.use("Agg")  # files only, no screen
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
from matplotlib.transforms import Bbox, offset_copy  # noqa: E402


def _load_font_subsetter_lazily() -> None:
    """Make ``fontTools.subset`` a lazily executed module (``importlib.util.LazyLoader``): matplotlib's PDF backend
    imports it on load but only uses it to subset Type 42 fonts, and the PDFs here embed Type 3 fonts (STYLE
    below). Its ~140 modules cost ~0.1 s CPU in every figure process for nothing; any use still loads it in full.
    Bound on the ``fontTools`` package as well, so ``from fontTools import subset`` takes it as it is (the import
    system would otherwise look at its ``__spec__`` and so execute it)."""
    if "fontTools.subset" in sys.modules:
        return
    try:
        import fontTools
        spec = importlib.util.find_spec("fontTools.subset")
    except ImportError:  # pragma: no cover - matplotlib requires fontTools
        return
    if spec is None or spec.loader is None:  # pragma: no cover
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["fontTools.subset"] = fontTools.subset = module


_load_font_subsetter_lazily()

DPI = 300
# zlib level of the PNGs (written by present/png_file.py, rows unfiltered). Measured on the demo's 13 figures, CPU
# time of deflating them all: level 3 0.17 s for 1.60 MB (level 1 0.21 s, 1.66 MB; level 4 0.28 s, 1.27 MB;
# level 6 0.33 s, 1.21 MB); the bytes are the same on every run. The figures are opaque, so the PNGs are written as
# RGB: ~13 % smaller than RGBA and faster, pixel for pixel the same image.
PNG_COMPRESS_LEVEL = 3
# Fonts in the files (measured on the demo's 13 figures, CPU time of saving them all):
# - SVG with its text as text ("svg.fonttype": "none"), not as glyph paths: 0.33 s instead of 0.47 s and 237 kB
#   instead of 705 kB, and a journal's art editor can edit the labels (Illustrator, Inkscape). The text is drawn by
#   the viewer, so the font is named with fallbacks: DejaVu Sans (the one the layout was measured with; Agg draws the
#   PNG with it), then Arial, Helvetica and Liberation Sans — narrower, so a substituted text never runs past the
#   extent the layout kept free for it — then the generic sans-serif. PNG and PDF bytes are the same as with
#   "DejaVu Sans" alone (DejaVu has every glyph the figures use; the others are only fallbacks).
# - PDF keeps matplotlib's Type 3 fonts (embedded glyph subsets): Type 42 (TrueType) took 3.2 s instead of 0.53 s,
#   its subsetting by fontTools being repeated for every figure, for files of the same size. Journals that reject
#   Type 3 take the SVG (editable text) or the 300-dpi PNG.
STYLE = {"font.family": ["DejaVu Sans", "sans-serif"],
         "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "Liberation Sans"],
         "font.size": 9, "svg.fonttype": "none", "svg.hashsalt": "oncocohort",
         # figures are laid out at the PNG's resolution: the texts are measured as the PNG draws them, and saving the
         # PNG reuses the renderer and the text metrics of the layout (measured: the demo's figures ~10 % less CPU)
         "figure.dpi": DPI}
WIDTH = 6.5  # inches: every figure's width (a journal's two-column width)
MARGIN = 0.1  # inches between the canvas edge and any text
GAP = 0.08  # inches between neighbouring blocks (legend, axes, tables)
LEGEND_SIZE = 8  # points


# ------------------------------------------------------------------------------------------------ axis wording
# One wording for every figure: time is counted from the index date, the start of the regimen under study
# (derive/index_date.py); a curve's y-axis names its quantity and says it is a probability; a figure with one group
# calls its risk-table row "All patients".
ALL_PATIENTS = "All patients"


def time_axis_label(time_unit: str) -> str:
    """The time axis of every figure: "Time since the start of treatment (months)"."""
    return f"Time since the start of treatment ({time_unit})"


def probability_axis_label(quantity: str) -> str:
    """A curve's y-axis: "Progression-free survival (probability)", "Cumulative incidence (probability)"."""
    return f"{quantity} (probability)"


def apply_style() -> None:
    plt.rcParams.update(STYLE)


def save_figure(figure: plt.Figure, stem: str | Path, formats: tuple[str, ...] = FIGURE_FORMATS) -> list[Path]:
    """Write ``stem``.png (300 dpi, RGB when opaque, zlib level :data:`PNG_COMPRESS_LEVEL`) and, as ``formats``
    asks, .svg and .pdf without creation dates; returns the paths (in :data:`FIGURE_FORMATS` order).

    The figures lay themselves out on their own canvas, so each format is drawn once (no ``bbox_inches="tight"``,
    which draws every figure twice)."""
    return [save_format(figure, stem, fmt) for fmt in FIGURE_FORMATS if fmt == "png" or fmt in formats]


_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}  # no dates: the same bytes


def save_format(figure: plt.Figure, stem: str | Path, fmt: str) -> Path:
    """Write ``stem``.``fmt`` (one of :data:`FIGURE_FORMATS`) as :func:`save_figure` does; returns its path."""
    path = Path(stem).with_suffix(f".{fmt}")
    if fmt == "png":
        return _save_png(figure, path)
    figure.savefig(path, dpi=DPI, metadata=_METADATA[fmt])
    return path


def _save_png(figure: plt.Figure, path: Path) -> Path:
    """The figure drawn by Agg at :data:`DPI` and written by :mod:`.png_file` from the canvas's own pixel buffer (RGB
    when every pixel is opaque — always, with the white figure background; the dpi in pHYs; no text chunks).

    What ``savefig(format="rgba")`` does, without its copy of the pixels into a file object and its other
    formats' bookkeeping: the same draw, the same pixels (measured on the demo's 13 figures: 1.27 → 1.06 s CPU)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from .png_file import write_png

    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    dpi = figure.dpi
    if dpi != DPI:  # as savefig(dpi=DPI) does: the figure drawn at DPI, its dpi given back after
        figure.dpi = DPI
    try:
        canvas.draw()
        return write_png(path, canvas.buffer_rgba(), DPI, PNG_COMPRESS_LEVEL)
    finally:
        if dpi != DPI:
            figure.dpi = dpi


# ------------------------------------------------------------------------------------------------ measuring text

def renderer(figure: plt.Figure):
    """The figure's Agg renderer, whose text extents the layout is computed from."""
    return figure.canvas.get_renderer()


def extent(artist) -> Bbox:
    """An artist's drawn extent in inches (figure coordinates × dpi → inches)."""
    figure = artist.figure
    box = artist.get_window_extent(renderer(figure))
    return Bbox.from_extents(*(v / figure.dpi for v in box.extents))


_SIZES: dict[tuple, tuple[float, float]] = {}  # (text, props, dpi, font family) → inches; measuring is the slow part


def text_size(figure: plt.Figure, text: str, **props) -> tuple[float, float]:
    """Width and height in inches of ``text`` drawn with ``props`` (fontsize, fontweight …) on ``figure``."""
    if not text:
        return 0.0, 0.0
    key = (text, tuple(sorted(props.items())), figure.dpi, tuple(plt.rcParams["font.family"]))
    if key not in _SIZES:
        artist = figure.text(0, 0, text, **props)
        box = extent(artist)
        artist.remove()
        _SIZES[key] = (box.width, box.height)
    return _SIZES[key]


def wrap_text(figure: plt.Figure, text: str, width: float, **props) -> str:
    """``text`` broken into lines no wider than ``width`` inches (measured), between words where possible; a word
    wider than the line is cut between characters, so the result always fits.

    Each line takes as many of the next words as fit (greedy). A line's width only grows as words are added to it
    (the glyphs already laid out keep their places; a word adds glyphs after a space), so the count is searched
    for — the whole rest first (most labels fit on one line: one measurement), then from an estimate by the
    measured width per character — instead of measuring the line again after every word (measuring is the slow
    part: the demo's figures measured 193 candidate lines, now far fewer); the lines are the same."""
    def width_of(candidate: str) -> float:
        return text_size(figure, candidate, **props)[0]

    lines: list[str] = []
    characters = None  # how many characters fill the width, at the rate last measured
    for paragraph in text.split("\n"):
        words = paragraph.split(" ")
        line, i = "", 0
        while i < len(words):
            if not line and not words[i]:  # an empty word (a double space) does not start a line
                i += 1
                continue
            head = f"{line} " if line else ""
            count, characters = _words_that_fit(head, words[i:], width, width_of, characters)
            if count:
                line, i = head + " ".join(words[i:i + count]), i + count
            if i == len(words):
                break
            if line:
                lines.append(line)
            line, i = words[i], i + 1  # the word that did not fit starts the next line, cut if it is too wide
            while width_of(line) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and width_of(line[:cut]) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return "\n".join(lines)


def _words_that_fit(head: str, words: list[str], width: float, width_of, characters: float | None
                    ) -> tuple[int, float | None]:
    """The most of ``words`` (k ≥ 0) that fit after ``head`` (the line so far and a space, or "" with ``words[0]``
    not empty) in ``width`` inches, given that the line's width never shrinks as words are added, and how many
    characters fill the width at the rate last measured. The first try is the count whose characters fill the width
    (``characters``, from the line before; None: the whole rest), each try narrowing the range between the most
    known to fit and the fewest known too wide, the next one estimated from the last measured rate."""
    lengths = [len(head)] + [len(head) + n - 1 for n in accumulate(len(w) + 1 for w in words)]  # of k words' line

    def estimate(low: int, high: int) -> int:  # in low + 1 … high - 1
        best = max((k for k in range(low + 1, high) if lengths[k] <= characters), default=low + 1)
        return min(max(best, low + 1), high - 1)

    fits, too_wide = 0, len(words) + 1
    guess = len(words) if characters is None else estimate(fits, too_wide)
    while too_wide - fits > 1:
        text = head + " ".join(words[:guess])
        measured = width_of(text)
        if measured <= width:
            fits = guess
        else:
            too_wide = guess
        characters = width * len(text) / measured if measured > 0 else math.inf
        guess = estimate(fits, too_wide)
    return fits, characters


def from_top_left(figure: plt.Figure, x: float, y: float):
    """A transform placing the point (0, 1) of figure coordinates ``x`` inches right of the left edge and ``y``
    inches below the top — stays put when the figure's height is set later."""
    return offset_copy(figure.transFigure, fig=figure, x=x, y=-y, units="inches")


def place_axes(axes, left: float, bottom: float, width: float, height: float) -> None:
    """Put ``axes`` at a box given in inches from the canvas's lower-left corner."""
    fig_width, fig_height = axes.figure.get_size_inches()
    axes.set_position((left / fig_width, bottom / fig_height, width / fig_width, height / fig_height))


def decorations(axes) -> tuple[float, float, float, float]:
    """How far the axes' tick labels, axis labels and title reach beyond the axes box, in inches:
    (left, bottom, right, top)."""
    figure = axes.figure
    tight = axes.get_tightbbox(renderer(figure), for_layout_only=True)
    box = axes.get_window_extent(renderer(figure))
    return tuple(max(0.0, v / figure.dpi) for v in (box.x0 - tight.x0, box.y0 - tight.y0, tight.x1 - box.x1,
                                                    tight.y1 - box.y1))


# ------------------------------------------------------------------------------------------------ the title rule

def start_figure(height: float) -> tuple[plt.Figure, float]:
    """A new figure in the common style, :data:`WIDTH` by ``height`` inches (a first guess: every figure sets its
    final height from its measured content), and the inches from the top of the canvas where its content starts.

    The one title rule (module docstring): nothing is drawn above the content — the caption carries the title —
    so the content starts :data:`MARGIN` below the top edge."""
    apply_style()
    return plt.figure(figsize=(WIDTH, height)), MARGIN


def add_legend_band(figure: plt.Figure, handles, labels, top: float, *, title: str | None = None,
                    width: float = WIDTH, left: float = MARGIN, fontsize: float = LEGEND_SIZE):
    """A legend in a band of its own (outside every axes), its upper-left corner ``left`` inches from the canvas's
    left edge and ``top`` inches below its top, laid out in as many columns as fit in ``width`` minus the margins.
    Labels wider than the band are wrapped. Returns (legend, inches from the canvas top to below the band)."""
    labels = list(labels)
    if not labels:
        return None, top
    room = width - left - MARGIN
    wrapped = [wrap_text(figure, label, room - 0.5, fontsize=fontsize) for label in labels]
    legend, handles = None, list(handles)
    # an upper bound on the columns that can fit (each entry: its text, a handle and the spacing, about 3.6 em)
    em = fontsize / 72
    entries = sorted((text_size(figure, label, fontsize=fontsize)[0] + 3.6 * em for label in wrapped), reverse=True)
    fitting = max([c for c in range(1, len(entries) + 1) if sum(entries[:c]) <= room + 1e-9], default=1)
    for columns in range(fitting, 0, -1):
        if legend is not None:
            legend.remove()
        # matplotlib fills columns first (np.array_split into ``columns``); this order reads row by row
        order = [i for column in range(columns) for i in range(column, len(wrapped), columns)]
        legend = figure.legend([handles[i] for i in order], [wrapped[i] for i in order], loc="upper left",
                               bbox_to_anchor=(0, 1),
                               bbox_transform=from_top_left(figure, left, top), ncol=columns, frameon=False,
                               fontsize=fontsize, title=title, title_fontsize=fontsize, borderaxespad=0,
                               borderpad=0, columnspacing=1.2, handlelength=1.6, alignment="left")
        if extent(legend).width <= room:
            break
    return legend, top + extent(legend).height + GAP


def wrap_axis_labels(axes, width: float, height: float) -> None:
    """Wrap the axes' x label to ``width`` and y label to ``height`` inches (measured), so neither reaches past
    the panel into a neighbouring block."""
    figure = axes.figure
    for label, room in ((axes.xaxis.label, width), (axes.yaxis.label, height)):
        if label.get_text():
            label.set_text(wrap_text(figure, label.get_text().replace("\n", " "), room,
                                     fontsize=label.get_fontsize()))
            label.set_multialignment("center")


def layout_panel(axes, top: float, panel_height: float, *, bottom_room: float = 0.0,
                 width: float = WIDTH) -> float:
    """Size the canvas for one panel: ``top`` inches of legend above it, ``panel_height`` inches of data
    area, its tick labels and axis titles measured around it, ``bottom_room`` inches below them (for notes), and
    :data:`MARGIN` at every edge. Sets the figure's size and the axes' position; returns the canvas height."""
    figure = axes.figure
    wrap_axis_labels(axes, width - 2 * MARGIN - 1.0, panel_height)
    left, bottom, right, above = decorations(axes)
    height = top + above + panel_height + bottom + bottom_room + MARGIN
    figure.set_size_inches(width, height)
    place_axes(axes, MARGIN + left, MARGIN + bottom_room + bottom, width - 2 * MARGIN - left - right, panel_height)
    left2, bottom2, right2, _ = decorations(axes)  # ticks may change with the axes' final width: measure again
    if abs(left2 - left) > 1e-3 or abs(right2 - right) > 1e-3 or abs(bottom2 - bottom) > 1e-3:
        place_axes(axes, MARGIN + left2, MARGIN + bottom_room + bottom2, width - 2 * MARGIN - left2 - right2,
                   panel_height)
    return height


CURVE_MARGIN = 0.025  # of the y range, below 0 and above the top of a curve panel


def curve_y_limits(axes, top: float = 1.0) -> None:
    """The y-axis of a panel of curves from 0 to ``top`` (probabilities: Kaplan–Meier, cumulative incidence), with
    :data:`CURVE_MARGIN` × ``top`` of room below 0 and above ``top``: a curve that stays at 0 (a competing event
    nobody had) or at ``top`` (nobody has had the event yet) is drawn clear of the axis line and of the panel's
    edge — never hidden under the x-axis spine or half cut off."""
    pad = CURVE_MARGIN * top
    axes.set_ylim(-pad, top + pad)


MAX_PATIENTS = 60  # patients drawn one by one (swimmer lanes, spider lines); beyond it, a sample (below)


def evenly_spaced_sample(n: int, limit: int = MAX_PATIENTS) -> list[int]:
    """Positions of the rows kept when ``n`` patients, already sorted by the figure's own order (time on treatment,
    best % change), are more than ``limit``: ``limit`` evenly spaced ranks from the first to the last, so both
    extremes and the shape of the distribution are kept; deterministic (no random draw). All positions when
    ``n <= limit``."""
    if n <= limit:
        return list(range(n))
    return sorted({round(i * (n - 1) / (limit - 1)) for i in range(limit)})


def thin_ticks(times, spacing_needed: float, axis_width: float, span: float) -> list:
    """Every k-th of the evenly spaced ``times`` so that neighbours are at least ``spacing_needed`` inches apart on
    an axis ``axis_width`` inches wide showing ``span`` units (the first time is always kept)."""
    times = list(times)
    if len(times) < 2 or span <= 0:
        return times
    step_inches = min(b - a for a, b in zip(times, times[1:])) / span * axis_width
    every = max(1, math.ceil(spacing_needed / step_inches)) if step_inches > 0 else len(times)
    return times[::every]


__all__ = ["CURVE_MARGIN", "DPI", "GAP", "MARGIN", "MAX_PATIENTS", "PNG_COMPRESS_LEVEL", "WIDTH", "add_legend_band",
           "apply_style", "curve_y_limits", "decorations", "evenly_spaced_sample", "extent", "from_top_left",
           "layout_panel", "place_axes", "plt", "renderer", "save_figure", "save_format", "start_figure", "text_size",
           "thin_ticks", "wrap_axis_labels", "wrap_text"]


class _DecimalMarkFormatter(matplotlib.ticker.Formatter):
    """Tick labels of another formatter with the journal style's decimal mark (``0·2`` for the Lancet)."""

    def __init__(self, inner: matplotlib.ticker.Formatter, mark: str):
        self.inner, self.mark = inner, mark

    def set_axis(self, axis) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs) -> None:
        self.inner.set_locs(locs)

    def __call__(self, x, pos=None) -> str:
        return self.inner(x, pos).replace(".", self.mark)


def use_decimal_mark(figure: plt.Figure, mark: str) -> None:
    """Write every tick label of ``figure`` with the decimal ``mark`` (the active journal style's, e.g. ``·``);
    the texts the figure functions write themselves are already styled by :mod:`.formatting`."""
    if mark == ".":
        return
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            formatter = axis.get_major_formatter()
            if not isinstance(formatter, _DecimalMarkFormatter):
                axis.set_major_formatter(_DecimalMarkFormatter(formatter, mark))
