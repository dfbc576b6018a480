r"""The bank's texts as HTML and as plain text.

Prompts, options, feedback and hints are written in a small Markdown subset: paragraphs, `code`,
**bold** and $maths$ (``$$...$$`` for display). :func:`markdown_to_html` renders it for Jupyter
and the site (maths as ``\(...\)``, which MathJax typesets inside an element of class
``mathjax_process``); :func:`plain_text` and :func:`math_as_text` read it aloud, as a screen
reader's accessible name.

>>> inline_html("Loss $\\log n$ with `np.log`\nnext")
'Loss \\(\\log n\\) with <code>np.log</code><br>next'
"""

from __future__ import annotations

import html
import re
import unicodedata

MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
CODE = re.compile(r"`([^`]+)`")


def markdown_to_html(text: str) -> str:
    r"""Render the small Markdown subset used in the bank: paragraphs, `code`, **bold**, $math$.

    >>> markdown_to_html("Use `np.log` and **mean** of $x^2 < 1$.")
    '<p>Use <code>np.log</code> and <strong>mean</strong> of \\(x^2 &lt; 1\\).</p>'
    """
    stash: list[str] = []

    def keep(fragment: str) -> str:
        stash.append(fragment)
        return f"\x00{len(stash) - 1}\x00"

    text = CODE.sub(lambda m: keep(f"<code>{html.escape(m.group(1))}</code>"), text)
    text = MATH.sub(
        lambda m: keep(
            f"\\[{html.escape(m.group(1))}\\]"
            if m.group(1) is not None
            else f"\\({html.escape(m.group(2))}\\)"
        ),
        text,
    )
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    out = "".join(f"<p>{p}</p>" for p in paragraphs)
    return re.sub("\x00(\\d+)\x00", lambda m: stash[int(m.group(1))], out)


_TEX_WORDS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ",
    "phi": "φ", "Delta": "Δ", "Sigma": "Σ",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈",
    "cdot": "·", "times": "×", "to": "→", "infty": "∞", "pm": "±", "in": "∈", "partial": "∂",
    "lVert": "‖", "rVert": "‖", "lvert": "|", "rvert": "|", "mid": "|",
    "sum": "sum ", "log": "log ", "ln": "ln ", "exp": "exp ", "max": "max ", "min": "min ",
    "left": "", "right": "", "big": "", "Big": "", "bigl": "", "bigr": "", "Bigl": "", "Bigr": "",
    "quad": " ", "qquad": " ",
}  # fmt: skip
_TEX_FRAC = re.compile(r"\\[dt]?frac\s*(\{[^{}]*\}|[^\s{}])\s*(\{[^{}]*\}|[^\s{}])")
_TEX_WRAP = re.compile(
    r"\\(?:mathrm|text|operatorname|mathbf|mathbb|mathcal|boldsymbol)\s*\{([^{}]*)\}"
)
_TEX_HAT = re.compile(r"\\(?:hat|widehat)\s*(?:\{([^{}]*)\}|(\w))")


def _unbrace(group: str) -> str:
    inner = group[1:-1] if group.startswith("{") else group
    return inner if re.fullmatch(r"[\w.]+", inner) else f"({inner})"


def math_as_text(tex: str) -> str:
    r"""A formula's TeX as plain text a screen reader can read (the accessible name of a quiz
    option whose text has maths; MathJax's own reading of "½r²" is "1 2 r 2").

    >>> math_as_text(r"\tfrac12 r^2"), math_as_text(r"D_{\mathrm{KL}}(P\|Q) \ne D_{\mathrm{KL}}(Q\|P)")
    ('1/2 r^2', 'D_KL(P‖Q) ≠ D_KL(Q‖P)')
    >>> math_as_text(r"\frac{2\,TP}{2\,TP + FP + FN}"), math_as_text(r"|r| \le \delta")
    ('(2 TP)/(2 TP + FP + FN)', '|r| ≤ δ')
    """
    s = _TEX_WRAP.sub(lambda m: m.group(1), tex)
    s = _TEX_HAT.sub(lambda m: (m.group(1) or m.group(2)) + "\u0302", s)
    s = _TEX_FRAC.sub(lambda m: f"{_unbrace(m.group(1))}/{_unbrace(m.group(2))}", s)
    s = re.sub(r"\\([,;:! ])", " ", s)
    s = s.replace("\\|", "‖").replace("~", " ")
    s = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_WORDS.get(m.group(1), m.group(1)), s)
    s = re.sub(r"([_^])\{([^{}]*)\}", lambda m: m.group(1) + _unbrace("{" + m.group(2) + "}"), s)
    s = s.replace("{", "").replace("}", "")
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", s).strip())


def plain_text(text: str) -> str:
    r"""A bank text (Markdown with `code`, **bold** and $maths$) as plain text, maths included.

    >>> plain_text(r"**Both**: $\hat y = 0.5$ and `np.log`")
    'Both: ŷ = 0.5 and np.log'
    """
    text = MATH.sub(lambda m: math_as_text(m.group(1) or m.group(2)), text)
    text = CODE.sub(lambda m: m.group(1), text)
    return re.sub(r"\*\*(.+?)\*\*", r"\1", text)


def inline_markdown(text: str) -> str:
    """Markdown without the surrounding paragraph (for option labels and feedback)."""
    out = markdown_to_html(text)
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return out


def inline_html(text: str) -> str:
    """Render ``text`` line by line with :func:`inline_markdown`; lines joined by ``<br>``."""
    return "<br>".join(inline_markdown(line) for line in text.split("\n"))
