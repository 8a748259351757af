"""Turns stored results (dicts) into what the page shows: a chart, the table behind it, the estimates."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from divert.lib.charts import bar_chart, interval_chart, step_chart
from divert.outcomes.evaluation.runner import SECTIONS


@dataclass
class Card:
    key: str
    title: str
    method: str
    window: str
    n: int
    groups: dict
    events: int | None
    effect: str
    warnings: list[str]
    chart: SafeString | None
    table: dict | None
    estimates: list[dict] = field(default_factory=list)


def _fmt(value, places: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{places}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _estimates(result: dict) -> list[dict]:
    rows = []
    for row in result.get("estimates", []):
        ci = "—" if row.get("low") is None else f"{_fmt(row['low'])} to {_fmt(row['high'])}"
        rows.append({"label": row["label"], "estimate": _fmt(row.get("estimate")), "ci": ci,
                     "p": "—" if row.get("p") is None else (f"{row['p']:.4f}" if row["p"] >= 0.0001 else "< 0.0001")})
    return rows


def _chart(result: dict) -> SafeString | None:
    key = result["key"]
    if result.get("curves"):
        series = [(name, [(point[0], point[1]) for point in points]) for name, points in result["curves"].items()]
        return step_chart(series, result["title"], x_label="Days after the index date",
                          y_label="Share not re-arrested")
    if key == "balance" and result.get("table"):
        rows = []
        for label, before, after in result["table"]["rows"]:
            rows.append((f"{label}: before", round(abs(before or 0) * 100)))
            rows.append((f"{label}: after", round(abs(after or 0) * 100)))
        return bar_chart(rows, "Absolute standardised mean difference × 100, before and after balancing")
    ratios = [(r["label"], r["estimate"], r["low"], r["high"]) for r in result.get("estimates", [])
              if r.get("low") is not None and r.get("estimate") is not None]
    if not ratios:
        return None
    if key.startswith("prepost") or key == "costs":
        return interval_chart(ratios, result["title"], reference=0.0, log=False)
    return interval_chart(ratios, result["title"], reference=1.0, log=True)


def cards(results: dict) -> list[tuple[str, str, list[Card]]]:
    out = []
    for key, heading in SECTIONS:
        made = []
        for result in results.get(key, []):
            groups = {k: v for k, v in (result.get("groups") or {}).items() if isinstance(v, int)}
            made.append(Card(key=result["key"], title=result["title"], method=result["method"],
                             window=result["window"], n=result["n"], groups=groups, events=result.get("events"),
                             effect=result.get("effect", ""), warnings=result.get("warnings", []),
                             chart=_chart(result), table=result.get("table"), estimates=_estimates(result)))
        if made:
            out.append((key, heading, made))
    return out
