"""Figures for the book: one style, alt text everywhere, interactive figures that work offline.

matplotlib, ipywidgets and IPython are imported lazily, inside the functions, so that importing
this module costs nothing until a figure is drawn. Install them with ``pip install -e ".[viz]"``
(``requirements.txt`` has them).

Chapter authors: the three rules
--------------------------------
1. **Static figures** are made with :func:`subplots` and shown with :func:`show`, which needs
   alt text and takes an optional caption. Do not call ``plt.show()``: a bare matplotlib image
   has no alt text on the website (the site test rejects it)::

       from course import viz

       fig, ax = viz.subplots()
       ax.plot(r, r**2, label="MSE")
       ax.set(xlabel="residual $y - \\hat y$", ylabel="loss")
       ax.legend()
       viz.show(fig, alt="MSE grows quadratically with the residual.",
                caption="MSE punishes large residuals much harder than small ones.")

   ``show`` displays the figure as an ``<img>`` with the alt text and a ``<figcaption>`` (in
   JupyterLab and on the site alike) and closes it, so it is not drawn twice.

2. **Interactive figures** are made with :func:`interactive` only. Write a function that draws
   the figure for one value of each parameter, and give the values the slider offers::

       def draw(ax, delta):
           r = np.linspace(-4, 4, 401)
           ax.plot(r, losses.huber(np.zeros_like(r), r, delta=delta, reduction="none"),
                   label=f"Huber, δ = {delta:g}")
           ax.set(xlabel="residual", ylabel="loss", ylim=(0, 8))
           ax.legend(loc="upper center")

       viz.interactive(draw, {"delta": [0.25, 0.5, 1, 2, 4]}, labels={"delta": "δ"},
                       alt=lambda delta: f"Huber loss against the residual for δ = {delta:g}.")

   End the cell with the call (it returns an object that displays itself). In a live kernel
   the reader gets ipywidgets sliders that redraw the figure; on the static website (no
   kernel) the same output carries every frame, pre-rendered as PNG, switched by an HTML range
   input with a few lines of inline JavaScript. Two parameters give two sliders and a grid of
   frames (``len(values_1) * len(values_2)`` of them): keep the total under ~30 so the page
   stays light. ``draw`` receives the axes (or an array of axes when ``subplot_kw`` asks for
   several) and the parameter values as keyword arguments. Fix axis limits inside ``draw``
   so the frames are comparable while the reader moves the slider.

3. Every axes has labels (checked: :func:`show` and :func:`interactive` raise ``ValueError``
   on an axes without x or y label, unless its axis is switched off with ``ax.set_axis_off()``).
   Colours come from the Okabe–Ito palette (:data:`PALETTE`, readable with any colour-vision
   deficiency); the line cycle also changes the dash pattern, so curves stay apart in grey.
   Use :func:`use_book_style` once at the top of a notebook if you also draw with pyplot.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = [
    "PALETTE",
    "InteractiveFigure",
    "StaticFigure",
    "book_rc",
    "bound",
    "interactive",
    "show",
    "subplots",
    "table",
    "use_book_style",
]

#: The Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008), in the order the book uses it:
#: blue, vermillion, bluish green, orange, reddish purple, sky blue, black, yellow.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#CC79A7",
    "#56B4E9",
    "#000000",
    "#F0E442",
)

_DASHES = (
    "-",
    "--",
    "-.",
    ":",
    (0, (5, 1)),
    (0, (3, 1, 1, 1, 1, 1)),
    (0, (1, 1)),
    (0, (8, 2, 1, 2)),
)

DEFAULT_DPI = 100
DEFAULT_FIGSIZE = (6.4, 4.0)
_PNG_COLOURS = 128


def book_rc() -> dict[str, Any]:
    """Return the book's matplotlib rcParams (a new dict each call).

    >>> rc = book_rc()
    >>> rc["axes.grid"], rc["figure.dpi"]
    (True, 100)
    """
    from cycler import cycler  # a matplotlib dependency

    return {
        "axes.prop_cycle": cycler(color=list(PALETTE)) + cycler(linestyle=list(_DASHES)),
        "axes.grid": True,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "font.size": 11,
        "grid.alpha": 0.35,
        "grid.linewidth": 0.6,
        "legend.frameon": False,
        "legend.fontsize": 10,
        "lines.linewidth": 2.0,
        "image.cmap": "cividis",
        "figure.figsize": DEFAULT_FIGSIZE,
        "figure.dpi": DEFAULT_DPI,
        "savefig.dpi": DEFAULT_DPI,
        "figure.constrained_layout.use": True,
        "svg.hashsalt": "loss-functions-course",
    }


def use_book_style() -> None:
    """Apply the book style to matplotlib globally (idempotent).

    >>> use_book_style()
    >>> import matplotlib
    >>> matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0]
    '#0072B2'
    """
    import matplotlib

    matplotlib.rcParams.update(book_rc())


def subplots(nrows: int = 1, ncols: int = 1, *, figsize=None, **kwargs):
    """Make a figure in the book style: ``fig, ax = viz.subplots()``.

    The figure is not registered with pyplot, so Jupyter's inline backend never shows it by
    itself: pass it to :func:`show`. Extra keyword arguments go to ``Figure.subplots``
    (``sharex``, ``sharey``, ``squeeze``, ...).

    >>> fig, axes = subplots(1, 2, figsize=(6, 3))
    >>> axes.shape
    (2,)
    """
    from matplotlib.figure import Figure

    use_book_style()
    if figsize is None:
        figsize = DEFAULT_FIGSIZE if nrows == 1 else (DEFAULT_FIGSIZE[0], 3.0 * nrows)
    fig = Figure(figsize=figsize, dpi=DEFAULT_DPI, layout="constrained")
    return fig, fig.subplots(nrows, ncols, **kwargs)


# --------------------------------------------------------------------------------------------
# Rendering helpers


def _check_labels(fig) -> None:
    for i, ax in enumerate(fig.get_axes()):
        if not ax.axison or not ax.get_visible():
            continue
        # A colorbar axes is labelled through its colorbar; only its long side needs a label.
        if getattr(ax, "_colorbar", None) is not None:
            continue
        missing = [name for name in ("x", "y") if not getattr(ax, f"get_{name}label")()]
        if missing:
            title = f" (titled {ax.get_title()!r})" if ax.get_title() else ""
            raise ValueError(
                f"axes {i}{title} has no {' or '.join(missing)} label: every axis in the book is "
                "labelled (ax.set(xlabel=..., ylabel=...)); switch an axis off with "
                "ax.set_axis_off() if it really shows no quantity."
            )


def _png(fig, dpi: int) -> bytes:
    """Render ``fig`` to PNG bytes, reproducibly (no timestamp or version in the file)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    from PIL import Image  # a matplotlib dependency

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    # A 128-colour palette makes line plots 3x smaller with no visible change: pages that
    # embed a few dozen frames stay light.
    with Image.open(io.BytesIO(buf.getvalue())) as im:
        small = im.convert("RGB").quantize(
            colors=_PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    out = io.BytesIO()
    small.save(out, format="png", optimize=True)
    return out.getvalue()


def _img_tag(png: bytes, alt: str, *, style: str = "", extra: str = "") -> str:
    from PIL import Image  # a matplotlib dependency

    with Image.open(io.BytesIO(png)) as im:
        width, height = im.size
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
        f'width="{width}" height="{height}" '
        f'style="max-width:100%;height:auto;{style}"{extra}>'
    )


#: Figures are drawn dark on white. Under a dark theme (JupyterLab's, or the site's) they are
#: shown inverted with their hues turned back, so they are not a glaring white block; the
#: Okabe–Ito colours stay distinct.
_DARK_CSS = (
    "<style>"
    'body[data-jp-theme-light="false"] .lfc-figure img,'
    'html[data-theme="dark"] .lfc-figure img'
    "{filter:invert(0.88) hue-rotate(180deg)}"
    "</style>"
)


def _close(fig) -> None:
    """Close ``fig`` in pyplot if pyplot manages it (so the inline backend does not redraw it)."""
    import sys

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:  # closing a figure pyplot does not manage is a no-op
        plt.close(fig)


def _require_text(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f"{what} must be a non-empty string describing what the figure shows "
            f"(for readers who cannot see it), got {value!r}"
        )
    return value.strip()


def _caption_html(caption: str | None) -> str:
    if not caption:
        return ""
    return f'<figcaption style="font-size:0.9em">{html.escape(caption)}</figcaption>'


def _display(obj) -> None:
    """Display ``obj`` in IPython/Jupyter; do nothing in plain Python (a script, a doctest)."""
    import sys

    if "IPython" not in sys.modules:  # IPython not even loaded: not in a notebook
        return
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is not None:
        display(obj)


# --------------------------------------------------------------------------------------------
# Static figures


class StaticFigure:
    """A rendered figure with alt text and an optional caption (what :func:`show` displays)."""

    def __init__(self, fig, *, alt: str, caption: str | None = None, dpi: int = DEFAULT_DPI):
        self.alt = _require_text(alt, "alt")
        self.caption = None if caption is None else _require_text(caption, "caption")
        _check_labels(fig)
        self.png = _png(fig, dpi)

    def _repr_html_(self) -> str:
        cap = _caption_html(self.caption)
        img = _img_tag(self.png, self.alt)
        return f'<figure class="lfc-figure" style="margin:0">{img}{cap}</figure>{_DARK_CSS}'

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/html": self._repr_html_(),
            "image/png": self.png,
            "text/plain": repr(self),
        }

    def __repr__(self) -> str:
        return f"<Figure: {self.alt}>"


def show(fig, *, alt: str, caption: str | None = None, dpi: int = DEFAULT_DPI) -> None:
    """Display ``fig`` with alt text (required) and a caption (optional), then close it.

    Returns nothing, so that a cell ending with ``viz.show(...)`` shows the figure once. In
    plain Python (a script) nothing is displayed; build a :class:`StaticFigure` to get the
    PNG and HTML.

    >>> fig, ax = subplots()
    >>> _ = ax.plot([0, 1], [0, 1]); _ = ax.set(xlabel="x", ylabel="y")
    >>> show(fig, alt="A straight line.")
    >>> shown = StaticFigure(fig, alt="A straight line.")
    >>> shown.png[:4] == b"\\x89PNG", 'alt="A straight line."' in shown._repr_html_()
    (True, True)
    """
    shown = StaticFigure(fig, alt=alt, caption=caption, dpi=dpi)
    _close(fig)
    _display(shown)


# --------------------------------------------------------------------------------------------
# Interactive figures

_SLIDE_JS = (
    "<script>window.lfcSlide=window.lfcSlide||function(el){"
    "var f=el.closest('.lfc-interactive'),k=0;"
    "f.querySelectorAll('input[type=range]').forEach(function(s){"
    "var v=JSON.parse(s.dataset.labels)[+s.value];k=k*(+s.max+1)+(+s.value);"
    "s.setAttribute('aria-valuetext',v);s.parentNode.querySelector('output').textContent=v;});"
    "f.querySelectorAll('.lfc-frames img').forEach(function(m,i){"
    "m.style.display=(i===k)?'':'none';});};"
    # Scripts run: the slider works, so the note that says to run the cell can go.
    "document.querySelectorAll('.lfc-interactive .lfc-run-note').forEach(function(n){"
    "n.style.display='none';});</script>"
)
#: Shown where the page's scripts do not run (a saved notebook reopened in JupyterLab, which
#: does not trust it): the slider is dead until the cell runs again.
_RUN_NOTE = (
    '<p class="lfc-run-note" style="font-size:0.9em;margin:0.3em 0">'
    "<strong>▶ Run this cell</strong> to move the slider: the figure is redrawn by the "
    "notebook's kernel.</p>"
)


def _in_reader_session() -> bool:
    """True in a kernel that a Jupyter server started for a reader (JupyterLab, Notebook).

    jupyter_server names the notebook of each kernel it starts in ``JPY_SESSION_NAME``; the book
    build, nbval and ``scripts/run_notebooks.py`` start theirs without a server, so their outputs
    carry the full static view. ``LFC_ALL_FRAMES=1`` forces the full view anywhere.
    """
    import os

    if os.environ.get("LFC_ALL_FRAMES") == "1":
        return False
    return bool(os.environ.get("JPY_SESSION_NAME")) and _in_kernel()


def _in_kernel() -> bool:
    """True inside a running IPython kernel (a notebook), where a widget can be displayed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class InteractiveFigure:
    """A figure with one slider per parameter; see :func:`interactive`.

    Attributes: ``params`` (name -> tuple of values), ``frames`` (index tuple -> PNG bytes,
    one per combination of values), ``alts`` (index tuple -> alt text), ``current`` (the index
    tuple shown first).
    """

    def __init__(
        self,
        draw: Callable[..., Any],
        params: Mapping[str, Sequence[Any]],
        *,
        alt: str | Callable[..., str],
        labels: Mapping[str, str] | None = None,
        initial: Mapping[str, Any] | None = None,
        caption: str | None = None,
        figsize: tuple[float, float] = DEFAULT_FIGSIZE,
        dpi: int = DEFAULT_DPI,
        fmt: str = "{:g}",
        subplot_kw: Mapping[str, Any] | None = None,
        max_frames: int = 48,
    ):
        if not callable(draw):
            raise TypeError(f"draw must be a function draw(ax, **values), got {draw!r}")
        if not isinstance(params, Mapping) or not params:
            raise ValueError(
                "params must be a non-empty mapping from parameter name to its slider values, "
                "e.g. {'gamma': [0, 0.5, 1, 2, 5]}"
            )
        self.params = {}
        for name, values in params.items():
            values = tuple(values)
            if len(values) < 2:
                raise ValueError(
                    f"parameter {name!r} needs at least two values for a slider, got {values!r}"
                )
            self.params[str(name)] = values
        n_frames = 1
        for values in self.params.values():
            n_frames *= len(values)
        if n_frames > max_frames:
            raise ValueError(
                f"{n_frames} frames (the product of the numbers of slider values) is more than "
                f"max_frames={max_frames}: every frame is embedded in the page; use fewer values"
            )
        unknown = set(labels or {}) - set(self.params)
        unknown |= set(initial or {}) - set(self.params)
        if unknown:
            raise ValueError(f"labels/initial name unknown parameters: {sorted(unknown)}")
        self.labels = {name: (labels or {}).get(name, name) for name in self.params}
        self.caption = None if caption is None else _require_text(caption, "caption")
        self.fmt = fmt
        self.value_labels = {
            name: [self._format(v) for v in values] for name, values in self.params.items()
        }
        start = []
        for name, values in self.params.items():
            if initial and name in initial:
                if initial[name] not in values:
                    raise ValueError(
                        f"initial value {initial[name]!r} of {name!r} is not one of {values!r}"
                    )
                start.append(values.index(initial[name]))
            else:
                start.append(0)
        self.current = tuple(start)

        self._subplot_kw = dict(subplot_kw or {})
        if "figsize" in self._subplot_kw:  # as plt.subplots(figsize=...) takes it
            if figsize != DEFAULT_FIGSIZE:
                raise ValueError("figsize is given twice: as an argument and in subplot_kw")
            figsize = self._subplot_kw.pop("figsize")
        self._draw, self._figsize, self._dpi = draw, tuple(figsize), dpi
        self.alts: dict[tuple[int, ...], str] = {}
        for index in itertools.product(*(range(len(v)) for v in self.params.values())):
            text = alt(**self._values(index)) if callable(alt) else alt
            self.alts[index] = _require_text(text, "alt")
        # Frames are drawn when first needed and kept: a reader's live kernel draws the one
        # shown (and each one the slider reaches); the static view needs them all.
        self._frames: dict[tuple[int, ...], bytes] = {}
        self.frame(self.current)  # a draw() that fails, fails here
        self._widget = None

    # -- rendering --------------------------------------------------------------------------
    def frame(self, index: tuple[int, ...]) -> bytes:
        """The PNG of one combination of slider positions, drawn on first use."""
        if index not in self._frames:
            self._frames[index] = self._render(self._values(index))
        return self._frames[index]

    @property
    def frames(self) -> dict[tuple[int, ...], bytes]:
        """Every frame (index tuple -> PNG bytes), in slider order; draws the missing ones."""
        return {index: self.frame(index) for index in self.alts}

    def _format(self, value) -> str:
        try:
            return self.fmt.format(value)
        except (ValueError, TypeError):
            return str(value)

    def _values(self, index: Sequence[int]) -> dict[str, Any]:
        return {name: vals[i] for (name, vals), i in zip(self.params.items(), index, strict=True)}

    def _render(self, values: Mapping[str, Any]) -> bytes:
        import matplotlib
        from matplotlib.figure import Figure

        with matplotlib.rc_context(book_rc()):
            fig = Figure(figsize=self._figsize, dpi=self._dpi, layout="constrained")
            kw = {"nrows": 1, "ncols": 1, **self._subplot_kw}
            axes = fig.subplots(**kw)
            self._draw(axes, **values)
            _check_labels(fig)
            return _png(fig, self._dpi)

    # -- static (kernel-free) view -----------------------------------------------------------
    def to_html(self, *, all_frames: bool = True) -> str:
        """The kernel-free view: every frame as an ``<img>``, one range input per parameter.

        Until its script runs (a saved notebook reopened in JupyterLab does not run it) the view
        says to run the cell; the script hides that note. ``all_frames=False`` embeds only the
        current frame, with the note and without sliders: what a reader's live kernel saves
        beside its widget, so that a slider cell does not draw every frame.
        """
        if not all_frames:
            cap = _caption_html(self.caption)
            img = _img_tag(self.frame(self.current), self.alts[self.current])
            return (
                f'<figure class="lfc-interactive-saved lfc-figure" style="margin:0">{img}{cap}'
                f"{_RUN_NOTE}</figure>{_DARK_CSS}"
            )
        imgs = []
        for index, png in self.frames.items():
            hidden = "" if index == self.current else "display:none"
            imgs.append(_img_tag(png, self.alts[index], style=hidden))
        sliders = []
        for (name, values), i in zip(self.params.items(), self.current, strict=True):
            labels = self.value_labels[name]
            data = html.escape(_json_list(labels))
            label = html.escape(self.labels[name])
            sliders.append(
                '<label style="display:flex;align-items:center;gap:0.6em;margin:0.2em 0">'
                f'<span style="min-width:4em">{label}</span>'
                f'<input type="range" min="0" max="{len(values) - 1}" step="1" value="{i}" '
                f'aria-label="{label}" aria-valuetext="{html.escape(labels[i])}" '
                f'data-param="{html.escape(name)}" data-labels="{data}" '
                'oninput="lfcSlide(this)" style="flex:1;max-width:24em">'
                f"<output>{html.escape(labels[i])}</output></label>"
            )
        cap = _caption_html(self.caption)
        return (
            '<figure class="lfc-interactive lfc-figure" style="margin:0">'
            f'<div class="lfc-frames">{"".join(imgs)}</div>'
            f'<div class="lfc-controls">{"".join(sliders)}</div>{cap}{_RUN_NOTE}</figure>'
            f"{_SLIDE_JS}{_DARK_CSS}"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    # -- live (kernel) view -----------------------------------------------------------------
    def widget(self):
        """The live view: one ipywidgets slider per parameter above the figure.

        The figure is an ``ipywidgets.HTML`` holding the same ``<img alt=...>`` and caption as
        the static view, so the live figure has alt text too.
        """
        if self._widget is not None:
            return self._widget
        import ipywidgets as widgets

        figure = widgets.HTML(value=self._figure_html(self.current))
        sliders = []
        for (name, values), i in zip(self.params.items(), self.current, strict=True):
            options = list(zip(self.value_labels[name], range(len(values)), strict=True))
            slider = widgets.SelectionSlider(
                options=options,
                value=i,
                description=self.labels[name],
                continuous_update=True,
                style={"description_width": "initial"},
                layout={"width": "min(32em, 100%)"},
            )
            sliders.append(slider)

        def redraw(_change=None):
            figure.value = self._figure_html(tuple(s.value for s in sliders))

        for slider in sliders:
            slider.observe(redraw, names="value")
        self._widget = widgets.VBox([*sliders, figure])
        self._widget.add_class("lfc-interactive-widget")
        return self._widget

    def _figure_html(self, index: tuple[int, ...]) -> str:
        cap = _caption_html(self.caption)
        img = _img_tag(self.frame(index), self.alts[index])
        return f'<figure class="lfc-figure" style="margin:0">{img}{cap}</figure>{_DARK_CSS}'

    def _repr_mimebundle_(self, include=None, exclude=None):
        # A reader's live session needs only the widget (and a light saved view); a notebook
        # run for the site or for nbval embeds every frame so the page works without a kernel.
        live = _in_reader_session()
        bundle = {"text/plain": repr(self), "text/html": self.to_html(all_frames=not live)}
        if _in_kernel():
            try:
                view = self.widget()._repr_mimebundle_()
            except ImportError:  # no ipywidgets: the HTML view still works in Jupyter
                view = {}
            key = "application/vnd.jupyter.widget-view+json"
            if key in view:
                bundle[key] = view[key]
        return bundle

    def __repr__(self) -> str:
        sizes = " x ".join(f"{len(v)} {n}" for n, v in self.params.items())
        return f"<Interactive figure: {self.alts[self.current]} ({sizes} frames)>"


def _json_list(items: Sequence[str]) -> str:
    import json

    return json.dumps(list(items), ensure_ascii=False)


def interactive(
    draw: Callable[..., Any],
    params: Mapping[str, Sequence[Any]],
    *,
    alt: str | Callable[..., str],
    labels: Mapping[str, str] | None = None,
    initial: Mapping[str, Any] | None = None,
    caption: str | None = None,
    figsize: tuple[float, float] = DEFAULT_FIGSIZE,
    dpi: int = DEFAULT_DPI,
    fmt: str = "{:g}",
    subplot_kw: Mapping[str, Any] | None = None,
) -> InteractiveFigure:
    """An interactive figure: sliders in a live notebook, a pre-rendered flip-book on the site.

    Args:
        draw: ``draw(ax, **values)`` draws the figure for one value of each parameter on
            ``ax`` (the array of axes when ``subplot_kw`` asks for a grid). Fix axis limits
            in it so that frames are comparable.
        params: ``{name: values}``, one slider per entry (in order); every combination is
            rendered once (at most 48 frames in all).
        alt: the alt text, or a function of the values (``lambda gamma: f"... γ = {gamma}"``),
            so that each frame describes itself.
        labels: a display label per parameter (``{"gamma": "γ"}``); default the name.
        initial: the value each slider starts at; default the first value.
        caption: a caption shown under the figure.
        figsize, dpi: the size of each frame (inches, dots per inch).
        fmt: how a value is printed beside its slider (``str.format``; ``str`` on failure).
        subplot_kw: arguments for ``Figure.subplots`` (``{"ncols": 2}`` gives ``draw`` two axes;
            ``sharey``, ``width_ratios``...; a ``figsize`` here is taken as ``figsize``).

    Returns:
        An :class:`InteractiveFigure`; end a notebook cell with it to display it.

    >>> def draw(ax, slope):
    ...     ax.plot([0, 1], [0, slope])
    ...     ax.set(xlabel="x", ylabel="y", ylim=(0, 2))
    >>> fig = interactive(draw, {"slope": [0.5, 1, 2]}, alt=lambda slope: f"slope {slope}")
    >>> len(fig.frames), fig.frames[(0,)] != fig.frames[(1,)]
    (3, True)
    >>> 'type="range"' in fig.to_html()
    True
    """
    return InteractiveFigure(
        draw,
        params,
        alt=alt,
        labels=labels,
        initial=initial,
        caption=caption,
        figsize=figsize,
        dpi=dpi,
        fmt=fmt,
        subplot_kw=subplot_kw,
    )


# --------------------------------------------------------------------------------------------
# Tables of results


class Table:
    """A small table of results that renders as HTML in Jupyter and on the site, and as aligned
    plain text in a terminal (and in nbval's comparison, which reads ``text/plain``).

    Build it with :func:`table`.
    """

    def __init__(self, rows, columns, *, floatfmt=".3f", caption=None):
        self.columns = [str(c) for c in columns]
        fmts = [floatfmt] * len(self.columns) if isinstance(floatfmt, str) else list(floatfmt)
        if len(fmts) != len(self.columns):
            raise ValueError(
                f"floatfmt has {len(fmts)} formats for {len(self.columns)} columns; give one "
                "format string, or one per column."
            )
        self.rows = []
        self._numeric: list[list[bool]] = []
        for i, row in enumerate(rows):
            row = list(row)
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {i} has {len(row)} cells but there are {len(self.columns)} columns."
                )
            self.rows.append([_cell(v, f) for v, f in zip(row, fmts, strict=True)])
            self._numeric.append([_is_number(v) for v in row])
        self.caption = caption

    def __repr__(self) -> str:
        widths = [
            max(len(c), *(len(r[j]) for r in self.rows)) if self.rows else len(c)
            for j, c in enumerate(self.columns)
        ]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        for r in self.rows:
            lines.append("  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)))
        if self.caption:
            lines.insert(0, self.caption)
        return "\n".join(line.rstrip() for line in lines)

    def _repr_html_(self) -> str:
        # class "table" picks up the site theme's table style; the inline padding and alignment
        # keep it readable in JupyterLab too. Numbers are right-aligned so their digits line up.
        esc = html.escape
        pad = "padding:0.25em 0.75em;"
        head = "".join(f'<th style="{pad}text-align:left">{esc(c)}</th>' for c in self.columns)
        body = "".join(
            "<tr>"
            + "".join(
                f'<td style="{pad}text-align:{"right" if num else "left"}">{esc(v)}</td>'
                for v, num in zip(r, nums, strict=True)
            )
            + "</tr>"
            for r, nums in zip(self.rows, self._numeric, strict=True)
        )
        cap = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        return (
            f'<table class="lfc-table table" style="border-collapse:collapse;width:auto">{cap}'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )


def _is_number(value) -> bool:
    import numbers

    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _cell(value, fmt: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int)) and not isinstance(value, float):
        return str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number != number:  # NaN: an empty bin, a metric that does not apply
        return "—"
    return format(number, fmt)


def table(rows, columns, *, floatfmt=".3f", caption=None) -> Table:
    """A table of results: ``rows`` of values under ``columns`` headers.

    Numbers are formatted with ``floatfmt`` (one format for all columns, or one per column);
    strings and integers are shown as they are, NaN as a dash. End a notebook cell with the
    call to display it.

    >>> print(table([("MSE", 2.353, 0.8531), ("Huber", 1.56, 0.06)], ["loss", "slope", "error"],
    ...             floatfmt=[".3f", ".2f", "+.1%"]))
    loss   slope   error
    -----  -----  ------
      MSE   2.35  +85.3%
    Huber   1.56   +6.0%
    """
    return Table(rows, columns, floatfmt=floatfmt, caption=caption)


def bound(value: float, limit: float = 1e-8) -> str:
    """A small error shown as the bound it stays below, not as its last digits.

    The last digits of a rounding-level number (a finite-difference error, a residual) change
    with the processor and the summation order, so a notebook that printed them would differ
    from one machine to the next. What the reader needs is that the number is below ``limit``;
    a value at or above it is shown in full, so that a real problem stays visible.

    >>> bound(2.4e-11), bound(2.8e-11, limit=1e-9), bound(3e-7)
    ('< 1e-8', '< 1e-9', '3.0e-07 (not below 1e-8)')
    """
    mantissa, exponent = f"{limit:.0e}".split("e")
    shown = f"{mantissa}e{int(exponent)}"
    return f"< {shown}" if abs(value) < limit else f"{value:.1e} (not below {shown})"
