"""Coordination models: letters."""
__all__: list[str] = []
