"""Where reports are: H3 cells for nearby search, and great-circle distances."""

from __future__ import annotations

import math
from decimal import Decimal

import h3

# H3 resolution 11 cells average 28.7 m per edge (h3.average_hexagon_edge_length(11, "m"),
# h3 4.x); a disk of radius k covers every point within about (2k + 1) x 0.87 x edge of
# the centre, so radius 2 reaches ~124 m: ample for a 50 m search wherever cells are smaller.
CELL_RESOLUTION = 11
SEARCH_RING = 2
# Mean Earth radius (IUGG), for the haversine distance.
EARTH_RADIUS_M = 6_371_008.8


def cell_of(latitude: Decimal, longitude: Decimal) -> str:
    return str(h3.latlng_to_cell(float(latitude), float(longitude), CELL_RESOLUTION))


def cells_near(latitude: Decimal, longitude: Decimal) -> list[str]:
    return list(h3.grid_disk(cell_of(latitude, longitude), SEARCH_RING))


def distance_m(lat1: Decimal, lon1: Decimal, lat2: Decimal, lon2: Decimal) -> float:
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
