"""Markdown statements to safe HTML."""

from __future__ import annotations

import markdown
import nh3

_EXTENSIONS = ["fenced_code", "tables", "sane_lists"]


def markdown_to_html(text: str) -> str:
    """Render ``text`` and strip anything a browser could run.

    Statements come from the bank and from teachers, so the HTML is
    sanitized with nh3's allow-list before any client sees it.
    """
    html = markdown.markdown(text, extensions=_EXTENSIONS, output_format="html")
    return nh3.clean(html)
