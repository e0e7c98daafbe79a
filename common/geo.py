"""Distances and map links (pure functions, no database)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def bounding_box(latitude: float, longitude: float, radius_km: float) -> BoundingBox:
    """A lat/lon box that contains every point within ``radius_km`` of the centre.

    Used as an index-friendly prefilter before exact haversine distances. The
    widest longitude of a circle is asin(sin(r)/cos(lat)), a little wider than
    r/cos(lat) along the parallel.
    """
    angular = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angular)
    cos_lat = math.cos(math.radians(latitude))
    if math.sin(angular) >= cos_lat:  # the circle reaches a pole: every longitude
        dlon = 180.0
    else:
        dlon = math.degrees(math.asin(math.sin(angular) / cos_lat))
    # A hair wider, so float rounding cannot drop a point on the circle itself.
    dlat, dlon = dlat + 1e-9, dlon + 1e-9
    return BoundingBox(latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon)


def map_url(latitude: float, longitude: float) -> str:
    """A Google Maps link that opens a pin at the point (no API key needed)."""
    query = urlencode({"api": 1, "query": f"{round(latitude, 6)},{round(longitude, 6)}"}, safe=",")
    return f"https://www.google.com/maps/search/?{query}"
