"""`divert retrain-linkage`: train a new linkage model on today's people, staged rows and review decisions."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from divert.records.management.commands.link import stage_printer


class Command(BaseCommand):
    help = ("Train a linkage model on current persons, staged rows and the review queue's accepted and rejected "
            "pairs; save it as the next version and make it the one in use.")

    def add_arguments(self, parser):
        parser.add_argument("--auto-link", type=float, help="match probability from which a row links on its own "
                                                             "(default: the current model's, else 0.95)")
        parser.add_argument("--review", type=float, help="match probability from which a pair goes to review "
                                                          "(default: the current model's, else 0.50)")
        parser.add_argument("--u-pairs", type=float, help="random pairs for the u estimates (default 5e6)")
        parser.add_argument("--em-pairs", type=float, help="pairs per EM session (default 2e6)")
        parser.add_argument("--by", help="the username to record as having trained it")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")

    def handle(self, *args, auto_link, review, u_pairs, em_pairs, by, quiet, **options):
        from divert.records.linkage import Thresholds
        from divert.records.linking import current_thresholds, train_version

        actor = None
        if by:
            actor = get_user_model().objects.filter(username=by).first()
            if actor is None:
                raise CommandError(f"No user {by!r}.")
        thresholds = None
        if auto_link is not None or review is not None:
            current = current_thresholds() or Thresholds()
            try:
                thresholds = Thresholds(auto_link=current.auto_link if auto_link is None else auto_link,
                                        review=current.review if review is None else review)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        try:
            version = train_version(actor=actor, thresholds=thresholds, u_pairs=u_pairs, em_pairs=em_pairs,
                                    progress=(lambda *a: None) if quiet else stage_printer(self.stderr))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Linkage model v{version.version} trained on {version.trained_persons:,} persons, "
            f"{version.trained_records:,} staged rows and {version.trained_labels:,} review decisions; it is now in "
            f"use (links from {version.auto_link_threshold}, review from {version.review_threshold}). "
            f"File: {version.file_path}")
