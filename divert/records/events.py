"""Linked staged rows become justice events on the person, and alerts (the events area)."""


def on_linked(records) -> int:
    """Called by the linkage step with the staged rows it has just linked to persons; returns events written."""
    return 0
