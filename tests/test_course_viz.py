"""Tests of course.viz: the book's figure style, static figures with alt text, interactive figures."""

import base64
import html
import re

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from course import viz  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SMALL = {"figsize": (3.2, 2.0), "dpi": 60}  # small frames keep these tests fast


def draw_line(ax, slope, offset=0.0):
    x = np.linspace(0, 1, 11)
    ax.plot(x, slope * x + offset, label="line")
    ax.set(xlabel="x", ylabel="y", ylim=(-2, 4))
    ax.legend()


def one_slider(**kw):
    return viz.interactive(
        draw_line,
        {"slope": [0.5, 1, 2]},
        alt=lambda slope: f"A line of slope {slope}.",
        labels={"slope": "slope a"},
        **{**SMALL, **kw},
    )


def visible_imgs(page_html):
    return [
        m.group(0)
        for m in re.finditer(r"<img [^>]*>", page_html)
        if "display:none" not in m.group(0)
    ]


def test_book_style_uses_okabe_ito_palette_and_grid():
    import matplotlib

    with matplotlib.rc_context():
        viz.use_book_style()
        colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        assert colours[:3] == ["#0072B2", "#D55E00", "#009E73"]
        assert matplotlib.rcParams["axes.grid"] is True
    assert set(viz.PALETTE) == {
        "#000000",
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    }


def test_frames_differ_between_values_and_are_small():
    fig = one_slider()
    assert len(fig.frames) == 3
    assert len(set(fig.frames.values())) == 3
    for png in fig.frames.values():
        assert png.startswith(b"\x89PNG")
        assert len(png) < 60_000


def test_html_fallback_has_range_input_labels_and_alt_text():
    fig = one_slider(initial={"slope": 1}, caption="Move the slider.")
    page = fig.to_html()
    assert page == fig._repr_mimebundle_()["text/html"]
    (slider,) = re.findall(r'<input type="range"[^>]*>', page)
    assert 'min="0"' in slider and 'max="2"' in slider and 'value="1"' in slider
    assert (
        html.unescape(re.search(r'data-labels="([^"]*)"', slider).group(1)) == '["0.5", "1", "2"]'
    )
    assert "<output>1</output>" in page and "slope a" in page
    assert "<figcaption" in page and "Move the slider." in page
    alts = re.findall(r'alt="([^"]*)"', page)
    assert alts == [f"A line of slope {s}." for s in ("0.5", "1", "2")]
    # Exactly one frame is shown, the initial one, and it holds the PNG of that frame.
    (shown,) = visible_imgs(page)
    assert 'alt="A line of slope 1."' in shown
    data = re.search(r'src="data:image/png;base64,([^"]+)"', shown).group(1)
    assert base64.b64decode(data) == fig.frames[(1,)]
    assert "lfcSlide" in page and "<script>" in page


def test_two_parameters_make_a_grid_of_frames_in_row_major_order():
    fig = viz.interactive(
        draw_line,
        {"slope": [0, 1, 2], "offset": [-1, 1]},
        alt=lambda slope, offset: f"slope {slope}, offset {offset}",
        **SMALL,
    )
    assert list(fig.frames) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
    assert len(set(fig.frames.values())) == 6
    page = fig.to_html()
    assert page.count('type="range"') == 2
    # The inline script computes the frame index k = i_slope * 2 + i_offset: same order.
    alts = re.findall(r'alt="([^"]*)"', page)
    assert alts[3] == "slope 1, offset 1"


def test_widget_view_redraws_when_the_slider_moves():
    pytest.importorskip("ipywidgets")
    fig = one_slider()
    box = fig.widget()
    slider, figure = box.children
    assert slider.description == "slope a"

    def shown_png():
        data = re.search(r'src="data:image/png;base64,([^"]+)"', figure.value).group(1)
        return base64.b64decode(data)

    assert shown_png() == fig.frames[(0,)]
    assert 'alt="A line of slope 0.5."' in figure.value
    slider.value = 2
    assert shown_png() == fig.frames[(2,)]
    assert 'alt="A line of slope 2."' in figure.value
    assert fig.widget() is box


def test_widget_with_two_sliders_shows_the_matching_frame():
    pytest.importorskip("ipywidgets")
    fig = viz.interactive(
        draw_line,
        {"slope": [0, 1, 2], "offset": [-1, 1]},
        alt=lambda slope, offset: f"slope {slope}, offset {offset}",
        caption="Two sliders.",
        **SMALL,
    )
    slope, offset, figure = fig.widget().children
    slope.value, offset.value = 2, 1
    assert 'alt="slope 2, offset 1"' in figure.value
    assert "Two sliders." in figure.value


def test_bundle_carries_widget_view_only_in_a_kernel(monkeypatch):
    pytest.importorskip("ipywidgets")
    fig = one_slider()
    assert WIDGET_VIEW not in fig._repr_mimebundle_()
    monkeypatch.setattr(viz, "_in_kernel", lambda: True)
    bundle = fig._repr_mimebundle_()
    assert bundle[WIDGET_VIEW]["model_id"] == fig.widget().model_id
    assert "text/html" in bundle and bundle["text/plain"].startswith("<Interactive figure")


def test_subplot_kw_gives_draw_an_array_of_axes():
    seen = []

    def draw(axes, k):
        seen.append(axes.shape)
        for ax in axes:
            ax.plot([0, 1], [0, k])
            ax.set(xlabel="x", ylabel="y")

    fig = viz.interactive(
        draw, {"k": [1, 2]}, alt="two panels", subplot_kw={"ncols": 2, "figsize": (8, 3)}
    )
    assert seen == [(2,)]  # only the frame shown first is drawn up front...
    assert 'width="800" height="300"' in fig.to_html()
    assert seen == [(2,), (2,)]  # ...the static view draws the rest, once
    with pytest.raises(ValueError, match="figsize is given twice"):
        viz.interactive(
            draw, {"k": [1, 2]}, alt="x", figsize=(5, 5), subplot_kw={"figsize": (8, 3)}
        )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"params": {}}, ValueError, "non-empty mapping"),
        ({"params": {"slope": [1]}}, ValueError, "at least two values"),
        ({"params": {"slope": list(range(49))}}, ValueError, "max_frames"),
        ({"alt": ""}, ValueError, "alt must be a non-empty string"),
        ({"labels": {"nope": "x"}}, ValueError, "unknown parameters"),
        ({"initial": {"slope": 3}}, ValueError, "initial value 3"),
    ],
)
def test_interactive_rejects_bad_arguments(kwargs, error, match):
    args = {"params": {"slope": [1, 2]}, "alt": "a line", **kwargs}
    with pytest.raises(error, match=match):
        viz.interactive(draw_line, args.pop("params"), **SMALL, **args)


def test_unlabelled_axes_are_rejected():
    def draw(ax, k):
        ax.plot([0, 1], [0, k])

    with pytest.raises(ValueError, match="has no x or y label"):
        viz.interactive(draw, {"k": [1, 2]}, alt="a line", **SMALL)
    fig, ax = viz.subplots()
    ax.set_xlabel("x")
    with pytest.raises(ValueError, match="has no y label"):
        viz.show(fig, alt="a line")
    ax.set_axis_off()
    viz.show(fig, alt="nothing to label")


def test_show_emits_img_with_alt_and_caption_and_closes_pyplot_figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    ax.set(xlabel="x", ylabel="y")
    assert viz.show(fig, alt='Falling line, "steep".', caption="A caption.") is None
    assert not plt.get_fignums()
    shown = viz.StaticFigure(fig, alt='Falling line, "steep".', caption="A caption.")
    bundle = shown._repr_mimebundle_()
    assert bundle["image/png"] == shown.png
    assert 'alt="Falling line, &quot;steep&quot;."' in bundle["text/html"]
    assert "<figcaption" in bundle["text/html"] and "A caption." in bundle["text/html"]
    with pytest.raises(ValueError, match="alt must be"):
        viz.show(fig, alt="  ")


def test_png_is_reproducible():
    a, b = one_slider(), one_slider()
    assert a.frames == b.frames


def test_a_readers_live_session_draws_frames_on_demand_and_saves_a_light_view(monkeypatch):
    pytest.importorskip("ipywidgets")
    drawn = []

    def draw(ax, slope):
        drawn.append(slope)
        draw_line(ax, slope)

    monkeypatch.setattr(viz, "_in_kernel", lambda: True)
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/reader/regression.ipynb")
    monkeypatch.delenv("LFC_ALL_FRAMES", raising=False)
    fig = viz.interactive(draw, {"slope": [0.5, 1, 2]}, alt="a line", **SMALL)
    bundle = fig._repr_mimebundle_()
    assert drawn == [0.5]  # one frame, not three
    saved = bundle["text/html"]
    assert saved.count("<img ") == 1 and 'type="range"' not in saved
    assert "Run this cell" in saved  # what a reader sees when the notebook is reopened
    slider, _figure = fig.widget().children
    slider.value = 2
    slider.value = 0
    slider.value = 2
    assert drawn == [0.5, 2]  # each frame drawn when the slider first reaches it, then kept


@pytest.mark.parametrize(
    ("env", "full"),
    [
        ({}, True),
        ({"JPY_SESSION_NAME": "x.ipynb"}, False),
        ({"JPY_SESSION_NAME": "x.ipynb", "LFC_ALL_FRAMES": "1"}, True),
    ],
)
def test_builds_and_nbval_embed_every_frame(monkeypatch, env, full):
    pytest.importorskip("ipywidgets")
    monkeypatch.setattr(viz, "_in_kernel", lambda: True)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("LFC_ALL_FRAMES", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    html_view = one_slider()._repr_mimebundle_()["text/html"]
    assert (html_view.count("<img ") == 3) is full
    assert ('type="range"' in html_view) is full


def test_static_view_says_to_run_the_cell_until_its_script_runs():
    page = one_slider().to_html()
    note = re.search(r'<p class="lfc-run-note"[^>]*>(.*?)</p>', page)
    assert note and "Run this cell" in note.group(1)
    # the inline script, which runs on the site but not in an untrusted notebook, hides it
    assert "lfc-run-note" in page.split("<script>", 1)[1]
