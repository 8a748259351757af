"""`divert bench linkage ...` and `divert bench outcomes`: print benchmark figures (last lines) and write them as JSON.

divert bench linkage --dataset febrl4 --json OUT
divert bench linkage --scale --persons 100000 --rows 1000000 --json OUT
divert bench outcomes --json OUT   (on the site in the database, e.g. from divert seed --events N)
"""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

BENCHMARKS = ["linkage", "outcomes"]
# Figures printed last, in this order, when present.
SUMMARY_KEYS = [
    "precision", "recall", "f1", "baseline_exact_name_dob", "baseline_recordlinkage_rule",
    "baseline_recordlinkage_ecm", "seconds", "cpu_seconds", "peak_rss_mb", "comparisons", "rows_per_second",
    "increment_breakdown", "increment_seconds", "views", "evaluation_seconds",
]  # fmt: skip


class Command(BaseCommand):
    help = "Run a benchmark and print its figures; --json writes them to a file too."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=BENCHMARKS, help="which benchmark")
        parser.add_argument("--dataset", choices=["febrl4"], help="accuracy on a labelled dataset")
        parser.add_argument("--sample", type=int, help="only this many true pairs of the dataset (quick check)")
        parser.add_argument("--scale", action="store_true", help="speed and memory on synthetic bookings")
        parser.add_argument("--persons", type=int, default=100_000)
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--increment", type=int, default=2_000, help="rows in the nightly increment")
        parser.add_argument("--memory-limit", default="3GB", help="DuckDB's memory limit, e.g. 3GB")
        parser.add_argument("--json", dest="json_path", type=Path, help="write the figures to this file")

    def handle(self, *args, what, dataset, sample, scale, persons, rows, increment, memory_limit, json_path, **opts):
        from divert.records.linkage import bench

        if what == "outcomes":
            # The outcomes app is higher than records: found by name, so this command imports nothing above it.
            from django.utils.module_loading import import_string

            self._write(import_string("divert.outcomes.bench.bench_outcomes")(), json_path)
            return
        if bool(dataset) == bool(scale):
            raise CommandError("say either --dataset febrl4 or --scale")
        if dataset:
            figures = bench.bench_febrl4_through_import(sample)
        else:
            if persons < 1 or rows < 1:
                raise CommandError("--persons and --rows must be positive")
            started = time.monotonic()

            def progress(message: str) -> None:
                self.stderr.write(f"[{time.monotonic() - started:6.1f}s] {message}")
                self.stderr.flush()

            figures = bench.bench_scale(persons, rows, increment_rows=increment, memory_limit=memory_limit or None,
                                        progress=progress)
        self._write(figures, json_path)

    def _write(self, figures: dict, json_path) -> None:
        if json_path:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        details = {k: v for k, v in figures.items() if k not in SUMMARY_KEYS}
        self.stdout.write(json.dumps(details, indent=2))
        for key in SUMMARY_KEYS:
            if key in figures:
                value = figures[key]
                if isinstance(value, dict):
                    value = " ".join(f"{k}={v}" for k, v in value.items())
                self.stdout.write(f"{key}: {value}")
