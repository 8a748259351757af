"""Coordination models: legal."""
__all__: list[str] = []
