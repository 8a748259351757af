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


STEP_WIDTH = 460
STEP_HEIGHT = 220
STEP_MARGIN = 44
# Distinguished by dash pattern as well as colour, so the lines do not rely on colour alone.
STEP_STYLES = [("#1a4480", ""), ("#b50909", "6 4"), ("#2e8540", "2 3"), ("#5c5c5c", "10 3 2 3")]


def step_chart(series: list[tuple[str, list[tuple[float, float]]]], title: str, *, x_label: str = "",
               y_label: str = "", y_max: float = 1.0) -> SafeString:
    """Step lines (a Kaplan-Meier curve: the value holds until the next point), one per (label, [(x, y), ...]);
    a legend of the labels and the title as the accessible name. Values are drawn from 0 to `y_max`."""
    width, height, m = STEP_WIDTH, STEP_HEIGHT, STEP_MARGIN
    legend_height = 20 * len(series)
    x_peak = max((x for _, points in series for x, _ in points), default=0) or 1
    plot_w, plot_h = width - 2 * m, height - 2 * m

    def sx(x: float) -> float:
        return round(m + plot_w * x / x_peak, 1)

    def sy(y: float) -> float:
        return round(m + plot_h * (1 - min(max(y, 0), y_max) / y_max), 1)

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + legend_height}" '
        f'width="{width}" height="{height + legend_height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{m}" y1="{m + plot_h}" x2="{m + plot_w}" y2="{m + plot_h}" stroke="#1b1b1b"></line>',
        f'<line x1="{m}" y1="{m}" x2="{m}" y2="{m + plot_h}" stroke="#1b1b1b"></line>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        value = tick * y_max
        parts.append(f'<text x="{m - 6}" y="{sy(value) + 4}" font-size="11" text-anchor="end" '
                     f'fill="#1b1b1b">{value:g}</text>')
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        value = tick * x_peak
        parts.append(f'<text x="{sx(value)}" y="{m + plot_h + 16}" font-size="11" text-anchor="middle" '
                     f'fill="#1b1b1b">{value:,.0f}</text>')
    if x_label:
        parts.append(f'<text x="{m + plot_w / 2}" y="{height - 6}" font-size="12" text-anchor="middle" '
                     f'fill="#1b1b1b">{escape(x_label)}</text>')
    if y_label:
        parts.append(f'<text x="{m}" y="{m - 12}" font-size="12" fill="#1b1b1b">{escape(y_label)}</text>')
    for i, (label, points) in enumerate(series):
        colour, dash = STEP_STYLES[i % len(STEP_STYLES)]
        path, previous = [], None
        for x, y in sorted(points):
            if previous is None:
                path.append(f"M{sx(x)},{sy(y)}")
            else:
                path.append(f"H{sx(x)}V{sy(y)}")
            previous = y
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if path:
            parts.append(f'<path d="{"".join(path)}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}>'
                         "</path>")
        ly = height + 20 * i + 10
        parts.append(f'<line x1="{m}" y1="{ly}" x2="{m + 28}" y2="{ly}" stroke="{colour}" stroke-width="2"'
                     f"{dash_attr}></line>")
        parts.append(f'<text x="{m + 36}" y="{ly + 4}" font-size="12" fill="#1b1b1b">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def interval_chart(rows: list[tuple[str, float, float, float]], title: str, *, reference: float = 1.0,
                   log: bool = True) -> SafeString:
    """Estimates with their 95% intervals (label, estimate, low, high) as points on lines, with a reference line
    (1 for ratios); on a log scale for ratios."""
    import math

    rows = [r for r in rows if None not in r[1:]]
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH + 60
    height = max(len(rows), 1) * (BAR_HEIGHT + GAP) + 20
    values = [v for _, est, low, high in rows for v in (est, low, high)] + [reference]
    tf = (lambda v: math.log(max(v, 1e-6))) if log else (lambda v: v)
    lo, hi = min(tf(v) for v in values), max(tf(v) for v in values)
    span = (hi - lo) or 1.0

    def sx(v: float) -> float:
        return round(LABEL_WIDTH + BAR_AREA * (tf(v) - lo) / span, 1)

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{sx(reference)}" y1="0" x2="{sx(reference)}" y2="{height - 20}" stroke="#5c5c5c" '
        'stroke-dasharray="4 3"></line>',
        f'<text x="{sx(reference)}" y="{height - 6}" font-size="11" text-anchor="middle" '
        f'fill="#1b1b1b">{reference:g}</text>',
    ]
    for i, (label, est, low, high) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP) + BAR_HEIGHT / 2
        parts.append(f'<text x="0" y="{y + 5}" font-size="13" fill="#1b1b1b">{escape(label[:24])}</text>')
        parts.append(f'<line x1="{sx(low)}" y1="{y}" x2="{sx(high)}" y2="{y}" stroke="#1a4480" '
                     'stroke-width="2"></line>')
        parts.append(f'<circle cx="{sx(est)}" cy="{y}" r="5" fill="#1a4480"></circle>')
        parts.append(f'<text x="{LABEL_WIDTH + BAR_AREA + 10}" y="{y + 5}" font-size="13" '
                     f'fill="#1b1b1b">{est:.2f} ({low:.2f}–{high:.2f})</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
