"""`divert publish-impact OUTDIR`: the public impact page as a static site (index.html, its stylesheet and charts),
which works opened from disk and can be hosted anywhere. Only the suppressed public figures are written."""

import sys
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string


class Command(BaseCommand):
    help = "Write the public impact page as a static site into OUTDIR (index.html and assets/)."

    def add_arguments(self, parser):
        parser.add_argument("outdir", type=Path)

    def handle(self, *args, outdir: Path, **options):
        from divert.audit.log import log_event
        from divert.outcomes.views import impact_context

        if outdir.exists() and not outdir.is_dir():
            raise CommandError(f"{outdir} exists and is not a folder")
        css = finders.find("divert/impact.css")
        if css is None:
            raise CommandError("the page's stylesheet divert/impact.css is missing from the installation")
        sys.stderr.write("Computing the public figures (suppressed)...\n")
        context = impact_context("assets/impact.css", static_site=True)
        assets = outdir / "assets"
        assets.mkdir(parents=True, exist_ok=True)
        (assets / "impact.css").write_bytes(Path(css).read_bytes())
        for figure in context["figures"]:
            (assets / f"{figure['table'].metric}.svg").write_text(str(figure["chart"]), encoding="utf-8")
        html = render_to_string("outcomes/impact.html", context)
        (outdir / "index.html").write_text(html, encoding="utf-8")
        log_event("divert.outcomes.impact.published", details={"files": 2 + len(context["figures"])})
        self.stdout.write(f"Wrote {outdir / 'index.html'} and {len(context['figures']) + 1} files in {assets}.")
