from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from divert.lib.forms import StyledForm
from divert.records.importer import resolve_kind
from divert.records.models import ImportProfile, Kind
from divert.records.profiles import ProfileError, parse_spec
from divert.records.reading import FileRefused, sniff

EXTENSIONS = {"csv": {".csv", ".txt", ".tsv"}, "jsonl": {".jsonl", ".ndjson", ".json", ".txt"}}


def max_upload_bytes() -> int:
    return getattr(settings, "DIVERT_IMPORT_MAX_UPLOAD_MB", 200) * 1024 * 1024


class UploadForm(StyledForm):
    profile = forms.ModelChoiceField(label=_("Import profile"), queryset=ImportProfile.objects.filter(active=True),
                                     help_text=_("Which source this file comes from, and how its export reads."))
    kind = forms.ChoiceField(label=_("What the file holds"),
                             choices=[("mixed", _("As its rows say")), *Kind.choices], initial="mixed")
    file = forms.FileField(label=_("File"), help_text=_("CSV or JSON lines, as the profile describes."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise ValidationError(_("The file is larger than %(mb)s MB; import it from the command line (divert "
                                    "import) or split it."), params={"mb": limit // (1024 * 1024)}, code="too_large")
        if upload.size == 0:
            raise ValidationError(_("The file is empty."), code="empty")
        upload.seek(0)
        self.head = upload.read(4096)
        upload.seek(0)
        return upload

    def clean(self):
        data = super().clean()
        profile, upload = data.get("profile"), data.get("file")
        if profile is None:
            return data
        try:
            spec = parse_spec(profile.spec)
        except ProfileError as exc:
            raise ValidationError(_("This profile is not valid: %(p)s"), params={"p": exc}) from None
        try:
            data["kind"] = resolve_kind(spec, data.get("kind"))
        except ValueError as exc:
            self.add_error("kind", str(exc))
        if upload is not None:
            suffix = Path(upload.name).suffix.lower()
            if suffix not in EXTENSIONS[spec.format]:
                self.add_error("file", _("This profile reads %(fmt)s files (%(ext)s), not %(suffix)s.") % {
                    "fmt": "CSV" if spec.format == "csv" else "JSON lines",
                    "ext": ", ".join(sorted(EXTENSIONS[spec.format])), "suffix": suffix or _("a file without one")})
            else:
                try:
                    sniff(self.head, spec.encoding)
                except FileRefused as exc:
                    self.add_error("file", exc.reason)
        return data
