"""Record linkage: which person a booking, charge or court row belongs to. See docs/linkage.md."""

from .engine import LinkageModel, LinkResult, Thresholds, link, predict, train
from .exact import exact_links
from .store import load_model, save_model

__all__ = [
    "LinkResult",
    "LinkageModel",
    "Thresholds",
    "exact_links",
    "link",
    "load_model",
    "predict",
    "save_model",
    "train",
]
