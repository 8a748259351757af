"""A large file streams: memory stays flat however many rows it has (measured with tracemalloc, not timing)."""

import csv
import tracemalloc

from divert.records.importer import create_import, run_import
from divert.records.models import ImportStatus, StagedRecord
from divert.records.tests.conftest import JAIL_HEADER, jail_row

# Enough batches (1,000 rows each) to tell flat from growing; the large-file figure belongs to a benchmark.
ROWS = 15_000


def test_a_large_file_imports_in_flat_memory(jail, tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=JAIL_HEADER)
        writer.writeheader()
        for n in range(1, ROWS + 1):
            writer.writerow(jail_row(n, LAST_NAME=f"Name{n % 977}".replace("1", "l"), DOB=f"07/{n % 28 + 1:02d}/1980"))
    imp = create_import(profile=jail, path=path)
    samples: list[tuple[int, int]] = []

    def progress(current):
        samples.append((current.rows_read, tracemalloc.get_traced_memory()[0]))

    tracemalloc.start()
    try:
        imp = run_import(imp, progress=progress)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert imp.status == ImportStatus.FINISHED, imp.message
    assert imp.rows_added == ROWS and StagedRecord.objects.count() == ROWS
    early = [mem for rows, mem in samples if ROWS * 0.1 <= rows <= ROWS * 0.3]
    late = [mem for rows, mem in samples if rows >= ROWS * 0.8]
    assert early and late, samples
    # Flat: what is held late in the file is no more than early on, give or take a few megabytes of caches.
    assert max(late) - max(early) < 4 * 1024 * 1024, (max(early), max(late))
    assert peak < 64 * 1024 * 1024, peak
