"""Point in polygon, enough for a catchment area drawn as a handful of points."""


def point_in_polygon(lat: float, lon: float, polygon: list[tuple[float, float]]) -> bool:
    """Ray casting over [latitude, longitude] points. Points on an edge count as inside."""
    inside = False
    n = len(polygon)
    for i in range(n):
        lat1, lon1 = polygon[i]
        lat2, lon2 = polygon[(i + 1) % n]
        if _on_segment(lat, lon, lat1, lon1, lat2, lon2):
            return True
        if (lon1 > lon) != (lon2 > lon):
            crossing = lat1 + (lon - lon1) * (lat2 - lat1) / (lon2 - lon1)
            if lat < crossing:
                inside = not inside
    return inside


def _on_segment(lat, lon, lat1, lon1, lat2, lon2, eps=1e-12) -> bool:
    cross = (lat - lat1) * (lon2 - lon1) - (lon - lon1) * (lat2 - lat1)
    if abs(cross) > eps:
        return False
    within_lat = min(lat1, lat2) - eps <= lat <= max(lat1, lat2) + eps
    return within_lat and min(lon1, lon2) - eps <= lon <= max(lon1, lon2) + eps
