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


def _number(value) -> str:
    if value is None:
        return "hidden"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def grouped_bar_chart(rows: list[tuple[str, list]], series: list[str], title: str) -> SafeString:
    """Horizontal bars, one group per row label and one bar per series (for example before and after); a value of
    None (hidden, or not known) draws no bar and says "hidden". Series are told apart by pattern and by the label
    written on each bar, never by colour alone."""
    fills = ["#1a4480", "#b8c9e6", "#5c5c5c", "#dfe1e2"]
    values = [v for _, vs in rows for v in vs if isinstance(v, int | float)]
    peak = max(values, default=0) or 1
    group = len(series) * (BAR_HEIGHT + 2) + GAP * 2
    label_width = LABEL_WIDTH + 40
    width = label_width + BAR_AREA + VALUE_WIDTH + 40
    height = max(len(rows), 1) * group
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, vs) in enumerate(rows):
        top = i * group
        parts.append(f'<text x="0" y="{top + BAR_HEIGHT - 4}" font-size="13" fill="#1b1b1b">{escape(label)}</text>')
        for j, value in enumerate(vs):
            y = top + j * (BAR_HEIGHT + 2)
            bar = round(BAR_AREA * value / peak) if isinstance(value, int | float) and value > 0 else 0
            text = f"{series[j]}: {_number(value)}"
            parts.append(f'<rect x="{label_width}" y="{y}" width="{bar}" height="{BAR_HEIGHT}" '
                         f'fill="{fills[j % len(fills)]}" stroke="#1b1b1b" stroke-width="0.5"></rect>')
            parts.append(f'<text x="{label_width + bar + 6}" y="{y + BAR_HEIGHT / 2 + 5}" font-size="12" '
                         f'fill="#1b1b1b">{escape(text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def column_chart(rows: list[tuple[str, object]], title: str) -> SafeString:
    """Vertical columns over time (months, quarters); a hidden value (None) leaves a gap marked "hidden"."""
    step, area, base = 34, 160, 190
    values = [v for _, v in rows if isinstance(v, int | float)]
    peak = max(values, default=0) or 1
    width = max(len(rows), 1) * step + 20
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {base + 60}" '
        f'width="{width}" height="{base + 60}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="#1b1b1b" stroke-width="1"></line>',
    ]
    for i, (label, value) in enumerate(rows):
        x = 10 + i * step
        if isinstance(value, int | float):
            h = round(area * value / peak) if value > 0 else 0
            parts.append(f'<rect x="{x}" y="{base - h}" width="{step - 8}" height="{h}" fill="#1a4480"></rect>')
            parts.append(f'<text x="{x}" y="{base - h - 4}" font-size="10" fill="#1b1b1b">{_number(value)}</text>')
        else:
            parts.append(f'<text x="{x}" y="{base - 4}" font-size="10" fill="#1b1b1b">hidden</text>')
        parts.append(f'<text x="{x}" y="{base + 14}" font-size="10" fill="#1b1b1b" '
                     f'transform="rotate(45 {x} {base + 14})">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
