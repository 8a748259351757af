"""Models of record linkage: model versions, review decisions (the linkage area)."""

__all__: list[str] = []
