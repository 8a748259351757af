"""Models of justice events, alerts and comparison data (the events area)."""

__all__: list[str] = []
