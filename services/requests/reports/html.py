"""The report as an HTML fragment a government website can embed (no scripts, no styles).

Classes (``gk-report``, ``gk-table``, ``gk-num``) let the site's own stylesheet lay it out;
every text is escaped.
"""

from html import escape

from services.requests.reports.schemas import ReportContent
from services.requests.reports.sheets import Sheet, check_lines, sections


def _sheet(sheet: Sheet) -> str:
    rows: dict[int, list[str]] = {}
    for cell in sorted(sheet.cells, key=lambda c: (c.row, c.col)):
        tag = "th" if cell.header else "td"
        attrs = ""
        if cell.rowspan > 1:
            attrs += f' rowspan="{cell.rowspan}"'
        if cell.colspan > 1:
            attrs += f' colspan="{cell.colspan}"'
        if cell.number:
            attrs += ' class="gk-num"'
        rows.setdefault(cell.row, []).append(f"<{tag}{attrs}>{escape(cell.text)}</{tag}>")
    body = "".join(f"<tr>{''.join(rows.get(r, []))}</tr>" for r in range(sheet.rows))
    return f'<table class="gk-table" border="1">{body}</table>'


def _paragraphs(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "".join(f"<p>{escape(line)}</p>" for line in lines) or "<p>无。</p>"


def render_html(content: ReportContent) -> str:
    parts = [f'<section class="gk-report" lang="zh-CN"><h1>{escape(content.title)}</h1>']
    for section in sections(content):
        parts.append(f"<h2>{escape(section.heading)}</h2>")
        if section.sheet is not None:
            parts.append(_sheet(section.sheet))
        else:
            parts.append(_paragraphs(section.text or ""))
    checks = "".join(f"<li>{escape(line)}</li>" for line in check_lines(content))
    parts.append(f'<h2>数据校验</h2><ul class="gk-checks">{checks}</ul></section>')
    return "".join(parts)
