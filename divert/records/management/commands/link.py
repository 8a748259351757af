"""`divert link`: link the staged justice-data rows still waiting to people, with progress."""

import time

from django.core.management.base import BaseCommand, CommandError

from divert.records.models import LinkStatus


def stage_printer(stream):
    started = time.monotonic()

    def show(stage: str, done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        counts = f" {done:,}/{total:,}" if total > 1 else ""
        stream.write(f"[{elapsed:6.1f}s] {stage}{counts}".ljust(72), ending="\r" if done < total else "\n")
        stream.flush()

    return show


class Command(BaseCommand):
    help = ("Link staged justice-data rows still waiting to people: identifiers first, then the active linkage model "
            "(one is trained when there is none). Finished imports do this on their own.")

    def add_arguments(self, parser):
        parser.add_argument("--again", action="append", default=[], choices=[LinkStatus.NO_MATCH],
                            help="also link rows in this state again, e.g. no_match after new people were added")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")
        parser.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb",
                            help="score on this machine with DuckDB (default) or on Spark with the same saved model")
        parser.add_argument("--spark-master", help="with --backend spark: the master URL (default "
                            "$DIVERT_SPARK_MASTER, else local[*])")

    def handle(self, *args, again, quiet, backend="duckdb", spark_master=None, **options):
        from divert.records.linking import link_waiting

        predictor = None
        if backend == "spark":
            from divert.records.linkage import spark

            reason = spark.available()
            if reason:
                raise CommandError(f"Cannot link on Spark: {reason}.")

            def predictor(model, persons, records):
                return spark.predict(model, persons, records, spark=spark.session(spark_master))
        try:
            run = link_waiting(again=again, progress=(lambda *a: None) if quiet else stage_printer(self.stderr),
                               predictor=predictor)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not run.considered:
            self.stdout.write("No staged rows wait to be linked.")
            return
        self.stdout.write(
            f"{run.considered:,} rows with model v{run.model_version}: {run.exact:,} linked on identifiers, "
            f"{run.auto:,} linked by score, {run.review:,} to the review queue ({run.candidates:,} pairs), "
            f"{run.no_match:,} without a match; {run.events:,} justice events; {run.seconds:.1f} s.")
