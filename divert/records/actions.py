"""Writes of the records pages: an uploaded file becomes a waiting import that starts at once."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings

from divert.records.importer import UPLOADS, create_import, run_soon
from divert.records.models import FeedImport, ImportProfile


def do_upload_import(upload, *, profile: ImportProfile, kind: str, actor) -> FeedImport:
    """Keep the upload under a random name (the file name may say whose records it holds) and start it."""
    folder = Path(settings.MEDIA_ROOT) / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / uuid.uuid4().hex
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    try:
        imp = create_import(profile=profile, path=path, file_name=Path(upload.name).name, kind=kind, actor=actor,
                            via="web")
    except ValueError:
        path.unlink(missing_ok=True)
        raise
    run_soon(imp)
    return imp
