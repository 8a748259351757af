"""Trained models on disk: one JSON file per version, never overwritten, the newest used by default.

The directory is `DIVERT_LINKAGE_MODEL_DIR`, else Django's `LINKAGE_MODEL_DIR` setting, else
`<VAR_DIR>/linkage-models`. A database row per version (who trained it, on what) can point at these files.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .engine import LinkageModel

_NAME = re.compile(r"^linkage-model-v(\d{4,})\.json$")


def model_directory(directory: str | Path | None = None) -> Path:
    if directory is not None:
        return Path(directory)
    if os.environ.get("DIVERT_LINKAGE_MODEL_DIR"):
        return Path(os.environ["DIVERT_LINKAGE_MODEL_DIR"])
    from django.conf import settings

    configured = getattr(settings, "LINKAGE_MODEL_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "linkage-models"


def versions(directory: str | Path | None = None) -> list[int]:
    folder = model_directory(directory)
    if not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for p in folder.iterdir() if (m := _NAME.match(p.name)))


def path_for(version: int, directory: str | Path | None = None) -> Path:
    return model_directory(directory) / f"linkage-model-v{version:04d}.json"


def save_model(model: LinkageModel, directory: str | Path | None = None) -> Path:
    """Write the model as the next version; sets `model.version` and returns the file written."""
    folder = model_directory(directory)
    folder.mkdir(parents=True, exist_ok=True)
    version = (versions(folder) or [0])[-1] + 1
    while True:
        path = path_for(version, folder)
        model.version = version
        try:
            # "x": two trainings finishing together cannot overwrite each other's version.
            with path.open("x", encoding="utf-8") as handle:
                json.dump(model.to_dict(), handle, indent=2, sort_keys=True)
            return path
        except FileExistsError:
            version += 1


def load_model(version: int | None = None, directory: str | Path | None = None) -> LinkageModel:
    """The given version, or the newest one. Raises FileNotFoundError when there is none."""
    folder = model_directory(directory)
    if version is None:
        known = versions(folder)
        if not known:
            raise FileNotFoundError(f"no linkage model saved in {folder}")
        version = known[-1]
    with path_for(version, folder).open(encoding="utf-8") as handle:
        return LinkageModel.from_dict(json.load(handle))
