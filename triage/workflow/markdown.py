"""Render note Markdown to HTML that is safe to show: markdown-it-py, then nh3 (Ammonia)."""

from __future__ import annotations

import functools

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "a",
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "js-default" leaves raw HTML out of the output; nh3 still cleans what remains.
    return MarkdownIt("js-default").enable("table").enable("strikethrough")


def render_markdown(text: str) -> str:
    """Return sanitised HTML for a note: no scripts, event handlers or javascript: links."""
    html = _parser().render(text)
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
