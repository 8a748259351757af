"""Coordination models: pcg."""
__all__: list[str] = []
