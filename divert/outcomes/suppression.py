"""Small-cell and complementary suppression of a set of figures released together.

Rules (docs/outcomes.md):

1. A count of people or referrals from 1 to k-1 is hidden (primary suppression); zero is shown.
2. Every relation a reader knows between the released cells is an equation: a total is the sum of its rows, a
   running total is the previous one plus the period's count, two tables of the same people share their total.
   After hiding, no hidden count may be worked out from the shown cells through those equations: more cells are
   hidden (complementary suppression), the smallest first, until every hidden cell has room to move.
   A hidden cell is determined exactly when every solution of the equations agrees on it, that is when the null
   space of the equations restricted to the hidden cells is zero at that cell (computed by SVD).
3. An amount (events, days, dollars) resting on a hidden count is hidden, and amounts get the same complementary
   protection through their own totals.
4. A rate whose numerator or denominator is hidden is hidden.

The result says, per cell, whether and why it was hidden; callers log every decision.
"""

from dataclasses import dataclass, field

import numpy as np

from divert.outcomes.metrics import AMOUNT, COUNT, RATE, Table

PRIMARY, COMPLEMENTARY, RATE_HIDDEN = "primary", "complementary", "rate"
TOLERANCE = 1e-9

CellRef = tuple[int, int, int]  # (table index, row, column)


@dataclass
class Release:
    """Tables published together, and the equations linking cells of different tables (shared totals)."""

    name: str
    k: int
    tables: list[Table]
    links: list[dict[CellRef, float]] = field(default_factory=list)

    def same(self, a: CellRef, b: CellRef) -> None:
        """Cells `a` and `b` count the same people (a reader knows they are equal)."""
        self.links.append({a: 1.0, b: -1.0})


def table_equations(t: int, table: Table) -> list[dict[CellRef, float]]:
    """The relations a reader knows inside one table."""
    equations = []
    body = range(len(table.rows) - 1) if table.has_total else []
    for c, column in enumerate(table.columns):
        if column.kind == RATE:
            continue
        if table.has_total and column.total:
            eq = {(t, r, c): 1.0 for r in body}
            eq[(t, len(table.rows) - 1, c)] = -1.0
            equations.append(eq)
        if column.sum_of:
            for r in range(len(table.rows)):
                eq = {(t, r, other): 1.0 for other in column.sum_of}
                eq[(t, r, c)] = -1.0
                equations.append(eq)
        if column.cumulative_of is not None:
            last = len(table.rows) - (1 if table.has_total else 0)
            for r in range(last):
                eq = {(t, r, c): 1.0, (t, r, column.cumulative_of): -1.0}
                if r > 0:
                    eq[(t, r - 1, c)] = -1.0
                equations.append(eq)
    return equations


def determined(equations: list[dict], hidden: list) -> list:
    """The hidden cells whose value the equations fix, given every other cell."""
    if not hidden:
        return []
    index = {cell: i for i, cell in enumerate(hidden)}
    rows = [eq for eq in equations if any(cell in index for cell in eq)]
    if not rows:
        return []
    matrix = np.zeros((len(rows), len(hidden)))
    for r, eq in enumerate(rows):
        for cell, coefficient in eq.items():
            if cell in index:
                matrix[r, index[cell]] = coefficient
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > TOLERANCE).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return list(hidden)
    return [cell for cell, i in index.items() if np.all(np.abs(null[:, i]) < 1e-7)]


def protect(values: dict, equations: list[dict], hidden: set, candidates: set) -> set:
    """Hide more of `candidates` until no cell of `hidden` is determined; returns the cells added."""
    hidden, added = set(hidden), set()
    relevant = [eq for eq in equations if any(cell in values for cell in eq)]
    for _ in range(len(candidates) + 1):
        fixed = determined(relevant, sorted(hidden))
        if not fixed:
            break
        target = fixed[0]

        def order(cell):
            return (values[cell] == 0, values[cell], cell)

        near = sorted({c for eq in relevant if target in eq for c in eq if c in candidates and c not in hidden},
                      key=order)
        if not near:
            near = sorted({c for eq in relevant if any(h in eq for h in hidden) for c in eq
                           if c in candidates and c not in hidden}, key=order)
        if not near:
            break
        chosen = next((c for c in near if target not in determined(relevant, sorted(hidden | {c}))), near[0])
        hidden.add(chosen)
        added.add(chosen)
    return added


@dataclass
class Suppressed:
    tables: list[Table]  # copies: hidden values are None, table.hidden says why
    decisions: list[tuple[str, str, str]]  # (table metric, cell label, reason)


def suppress(release: Release) -> Suppressed:
    k = release.k
    counts, amounts, reasons = {}, {}, {}
    equations = [eq for t, table in enumerate(release.tables) for eq in table_equations(t, table)]
    equations += release.links
    for t, table in enumerate(release.tables):
        for r, row in enumerate(table.values):
            for c, column in enumerate(table.columns):
                value = row[c]
                if column.kind == COUNT and value is not None:
                    counts[(t, r, c)] = value
                elif column.kind == AMOUNT and value is not None:
                    amounts[(t, r, c)] = value
    count_equations = [eq for eq in equations if all(cell in counts for cell in eq)]
    amount_equations = [eq for eq in equations if all(cell in amounts for cell in eq)]

    primary = {cell for cell, value in counts.items() if 0 < value < k}
    reasons.update(dict.fromkeys(primary, PRIMARY))
    for cell in protect(counts, count_equations, primary, set(counts)):
        reasons[cell] = COMPLEMENTARY
    hidden_amounts = set()
    for (t, r, c) in amounts:
        base = release.tables[t].columns[c].base
        if base is not None and (t, r, base) in reasons:
            hidden_amounts.add((t, r, c))
            reasons[(t, r, c)] = COMPLEMENTARY
    for cell in protect(amounts, amount_equations, hidden_amounts, set(amounts)):
        reasons[cell] = COMPLEMENTARY
    for t, table in enumerate(release.tables):
        for r in range(len(table.rows)):
            for c, column in enumerate(table.columns):
                if column.kind == RATE and ((t, r, column.numerator) in reasons
                                            or (t, r, column.denominator) in reasons):
                    reasons[(t, r, c)] = RATE_HIDDEN

    tables, decisions = [], []
    for t, table in enumerate(release.tables):
        values = [list(row) for row in table.values]
        hidden = [[""] * len(table.columns) for _ in table.rows]
        for r in range(len(table.rows)):
            for c in range(len(table.columns)):
                reason = reasons.get((t, r, c))
                if reason:
                    values[r][c] = None
                    hidden[r][c] = reason
                    decisions.append((table.metric, f"{table.rows[r]} / {table.columns[c].label}", reason))
        copy = Table.from_dict(table.as_dict())
        copy.values, copy.hidden = values, hidden
        tables.append(copy)
    return Suppressed(tables, decisions)
