"""Coordination models: owg."""
__all__: list[str] = []
