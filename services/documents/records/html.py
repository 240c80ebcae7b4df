"""Document bodies given as HTML are kept only after sanitising (no scripts, handlers, styles)."""

import nh3

# What official documents need: headings, paragraphs, lists, tables, emphasis and links.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "sub",
        "sup", "ol", "ul", "li", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
        "caption", "blockquote", "span", "div", "a", "img", "hr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "p": {"align"},
}


def sanitise_html(html: str) -> str:
    """Strip everything a browser could execute; links only to http(s) and mailto."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
