"""Small server-rendered SVG charts. No script and no style attributes, so the CSP stays strict;
every chart sits beside the table it is drawn from."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 150
BAR_AREA = 220
VALUE_WIDTH = 60


def bar_chart(rows: list[tuple[str, int]], title: str) -> SafeString:
    """A horizontal bar chart of (label, value) rows, with its title as the accessible name."""
    peak = max((value for _, value in rows), default=0) or 1
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    height = max(len(rows), 1) * (BAR_HEIGHT + GAP)
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP)
        bar = round(BAR_AREA * value / peak) if value else 0
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(f'<text x="0" y="{middle}" font-size="13" fill="#1b1b1b">{escape(label)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}" fill="#1a4480"></rect>')
        parts.append(f'<text x="{LABEL_WIDTH + bar + 6}" y="{middle}" font-size="13" fill="#1b1b1b">{value:,}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
