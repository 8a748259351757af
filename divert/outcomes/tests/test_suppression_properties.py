"""Property tests: whatever the counts, no published table lets a hidden cell be worked out from the shown cells
and totals. The check here is independent of the code under test: exact rational elimination, not SVD."""

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from divert.outcomes.metrics import AMOUNT, COUNT, RATE, Column, Table
from divert.outcomes.suppression import Release, suppress, table_equations

K = 11
small_or_not = st.one_of(st.integers(0, 12), st.integers(0, 60))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows if any(r)]
    r = 0
    width = len(rows[0]) if rows else 0
    for c in range(width):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                factor = rows[i][c] / rows[r][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        r += 1
    return r


def derivable(equations: list[dict], hidden: list, cell) -> bool:
    """A hidden cell is fixed by the equations iff its unit vector lies in their row space (over the hidden cells)."""
    index = {h: i for i, h in enumerate(hidden)}
    matrix = [[Fraction(0)] * len(hidden) for _ in equations]
    for r, eq in enumerate(equations):
        for c, coefficient in eq.items():
            if c in index:
                matrix[r][index[c]] = Fraction(coefficient)
    unit = [Fraction(int(h == cell)) for h in hidden]
    return rank(matrix) == rank([*matrix, unit])


def check(release: Release) -> None:
    result = suppress(release)
    equations = [eq for t, table in enumerate(release.tables) for eq in table_equations(t, table)] + release.links
    hidden = {}
    for t, table in enumerate(result.tables):
        original = release.tables[t]
        for r, row in enumerate(table.hidden):
            for c, reason in enumerate(row):
                column = original.columns[c]
                value = original.values[r][c]
                if column.kind == COUNT and value is not None and 0 < value < K:
                    assert reason == "primary", (original.rows[r], column.label, value)
                if reason:
                    assert table.values[r][c] is None
                    hidden[(t, r, c)] = column.kind
                else:
                    assert table.values[r][c] == value
    for t, table in enumerate(release.tables):
        for r in range(len(table.rows)):
            for c, column in enumerate(table.columns):
                if column.kind == RATE and ((t, r, column.numerator) in hidden or (t, r, column.denominator) in hidden):
                    assert (t, r, c) in hidden
                if column.kind == AMOUNT and (t, r, column.base) in hidden:
                    assert (t, r, c) in hidden
    for kind in (COUNT, AMOUNT):
        cells = sorted(cell for cell, k in hidden.items() if k == kind)
        relevant = [eq for eq in equations if all(release.tables[t].columns[c].kind == kind for t, _, c in eq)]
        for cell in cells:
            assert not derivable(relevant, cells, cell), f"{cell} can be worked out"


@st.composite
def grids(draw):
    """A table of people by row and column, with a total row and a total column."""
    n_rows, n_cols = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    body = [[draw(small_or_not) for _ in range(n_cols)] for _ in range(n_rows)]
    columns = [Column(f"c{i}") for i in range(n_cols)] + [Column("Total", sum_of=list(range(n_cols)))]
    values = [[*row, sum(row)] for row in body]
    values.append([sum(col) for col in zip(*values, strict=True)])
    return Table("grid", "Grid", "", "people", [f"r{i}" for i in range(n_rows)] + ["Total"], columns, values,
                 has_total=True)


@given(grids())
@SETTINGS
def test_no_hidden_cell_of_a_table_with_totals_can_be_worked_out(table):
    check(Release("t", K, [table]))


@given(st.lists(small_or_not, min_size=1, max_size=8), st.lists(st.integers(0, 500), min_size=8, max_size=8))
@SETTINGS
def test_one_way_tables_with_amounts_and_rates(counts, amounts):
    columns = [Column("People"), Column("Dollars", AMOUNT, base=0), Column("Per person", RATE, numerator=1,
                                                                           denominator=0)]
    values = [[n, amounts[i] if n else 0, None] for i, n in enumerate(counts)]
    values.append([sum(v[0] for v in values), sum(v[1] for v in values), None])
    for row in values:
        row[2] = round(row[1] / row[0], 1) if row[0] else None
    check(Release("t", K, [Table("one", "One", "", "people", [f"r{i}" for i in range(len(counts))] + ["Total"],
                                 columns, values, has_total=True)]))


@given(st.lists(small_or_not, min_size=1, max_size=8))
@SETTINGS
def test_a_running_total_does_not_give_away_a_period(per_period):
    columns = [Column("New"), Column("Since launch", cumulative_of=0, total=False)]
    running, values = 0, []
    for n in per_period:
        running += n
        values.append([n, running])
    values.append([running, None])
    check(Release("t", K, [Table("series", "Series", "", "people", [f"q{i}" for i in range(len(per_period))]
                                 + ["Total"], columns, values, has_total=True)]))


@given(st.lists(st.lists(small_or_not, min_size=3, max_size=3), min_size=2, max_size=3),
       st.lists(small_or_not, min_size=2, max_size=4))
@SETTINGS
def test_filters_and_breakdowns_of_the_same_people_do_not_give_away_a_cell(by_filter, other_breakdown):
    """One table per filter value and the unfiltered one (their sum), plus a second breakdown of everyone
    sharing the overall total: differences across filters and across tables are equations too."""
    tables = []
    for i, counts in enumerate(by_filter):
        tables.append(Table(f"f{i}", "", "", "people", ["a", "b", "c", "Total"], [Column("People")],
                            [[n] for n in counts] + [[sum(counts)]], has_total=True))
    overall = [sum(col) for col in zip(*by_filter, strict=True)]
    tables.append(Table("all", "", "", "people", ["a", "b", "c", "Total"], [Column("People")],
                        [[n] for n in overall] + [[sum(overall)]], has_total=True))
    scale = sum(overall)
    # Another breakdown of the same people, its cells adding up to the same total.
    other = list(other_breakdown)
    other[-1] = max(0, scale - sum(other[:-1])) if sum(other[:-1]) <= scale else 0
    if sum(other) != scale:
        other = [scale] + [0] * (len(other) - 1)
    tables.append(Table("other", "", "", "people", [f"o{i}" for i in range(len(other))] + ["Total"],
                        [Column("People")], [[n] for n in other] + [[scale]], has_total=True))
    release = Release("t", K, tables)
    all_index = len(by_filter)
    for r in range(4):
        release.links.append({(all_index, r, 0): -1.0, **{(i, r, 0): 1.0 for i in range(len(by_filter))}})
    release.same((all_index, 3, 0), (all_index + 1, len(other), 0))
    check(release)


def test_a_lone_small_cell_takes_the_next_smallest_with_it():
    table = Table("one", "", "", "people", ["a", "b", "c", "Total"], [Column("People")],
                  [[3], [20], [40], [63]], has_total=True)
    result = suppress(Release("t", K, [table])).tables[0]
    assert result.values == [[None], [None], [40], [63]]
    assert result.hidden == [["primary"], ["complementary"], [""], [""]]
