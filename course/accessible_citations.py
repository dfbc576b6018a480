"""Sphinx extension: the bibliography's citations marked up as list items.

docutils' HTML5 writer (which sphinxcontrib-bibtex's citations go through) writes the
bibliography as ``<div role="list" class="citation-list">`` holding one
``<div class="citation" role="doc-biblioentry">`` per entry. WAI-ARIA 1.2 deprecates the
``doc-biblioentry`` role (axe-core's rule ``aria-deprecated-role``), and a ``role="list"`` must
hold ``role="listitem"`` children (``aria-required-children``, critical: a screen reader announces
an empty list). Each citation is an item of that list, so it gets that role. The upstream cause is
docutils' writer (``HTMLTranslator.visit_citation``); this fix is applied to each page's body
just before the page is written.

It is listed in ``_config.yml`` (``sphinx.config.extensions``) as ``course.accessible_citations``:
the ``course`` package is installed, so Sphinx imports it like any extension. It imports nothing.

>>> fix_citation_roles('<div class="citation" id="x" role="doc-biblioentry">')
'<div class="citation" id="x" role="listitem">'
"""

from __future__ import annotations

DEPRECATED = ' role="doc-biblioentry"'
LIST_ITEM = ' role="listitem"'


def fix_citation_roles(html: str) -> str:
    """``html`` with every citation's deprecated role replaced by ``listitem``."""
    return html.replace(DEPRECATED, LIST_ITEM)


def _on_page(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if isinstance(body, str) and DEPRECATED in body:
        context["body"] = fix_citation_roles(body)


def setup(app):
    app.connect("html-page-context", _on_page)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
