"""Geometry of the overview's SVG charts, computed from the overview's JSON.

The templates only place what is computed here; every number drawn comes from `/api/overview`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

QUADS = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
         4: "material conflict"}


@dataclass(slots=True, frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    quad: int
    count: int


@dataclass(slots=True, frozen=True)
class Column:
    """One period: its stacked bars and the link to its events."""

    period: str
    until: str
    events: int
    bars: list[Bar]


@dataclass(slots=True, frozen=True)
class Tick:
    at: float
    label: str


@dataclass(slots=True, frozen=True)
class Timeline:
    width: int
    height: int
    left: int
    top: int
    bottom: int
    right: int
    columns: list[Column]
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def timeline_chart(data: dict[str, Any], ends: list[str], width: int = 960,
                   height: int = 240) -> Timeline:
    """Stacked bars of each period's events by quad class. `ends[i]` is the last day of
    period i (for the link to its events)."""
    left, right, top, bottom = 48, width - 12, 12, height - 30
    periods = data["periods"]
    peak = max((p["events"] for p in periods), default=0)
    scale_top = _nice_ceiling(peak)
    step = (right - left) / max(len(periods), 1)
    gap = min(1.0, step * 0.15)
    columns = []
    for i, period in enumerate(periods):
        x, base, bars = left + i * step, float(bottom), []
        for quad in QUADS:
            count = int(period[f"quad{quad}"])
            if count:
                h = (bottom - top) * count / scale_top
                base -= h
                bars.append(Bar(round(x + gap / 2, 2), round(base, 2),
                                round(max(step - gap, 0.5), 2), round(h, 2), quad, count))
        columns.append(Column(period["period"], ends[i], int(period["events"]), bars))
    y_ticks = [Tick(round(bottom - (bottom - top) * v / scale_top, 1), f"{v:g}")
               for v in _ticks(scale_top)]
    every = max(1, math.ceil(len(periods) / 8))
    x_ticks = [Tick(round(left + (i + 0.5) * step, 1), _period_label(p["period"], data["by"]))
               for i, p in enumerate(periods) if i % every == 0]
    return Timeline(width, height, left, top, bottom, right, columns, x_ticks, y_ticks)


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * power:
            return factor * power
    return 10.0 * power


def _ticks(top: float) -> list[float]:
    step = top / 4 if top >= 4 else 1.0
    count = round(top / step)
    return [round(step * i, 2) for i in range(count + 1)]


def _period_label(period: str, by: str) -> str:
    return {"year": period[:4], "month": period[:7]}.get(by, period[:10])


@dataclass(slots=True, frozen=True)
class MapPoint:
    x: float
    y: float
    event_id: str
    quad: int | None
    label: str


@dataclass(slots=True, frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


MAP_SCALE = 2  # SVG units per degree


def map_points(points: list[dict[str, Any]]) -> list[MapPoint]:
    """Equirectangular positions of located events (360 x 180 degrees, scaled)."""
    placed = []
    for point in points:
        x = (float(point["lon"]) + 180) * MAP_SCALE
        y = (90 - float(point["lat"])) * MAP_SCALE
        where = f"{point['place'] or '?'} ({point['place_country'] or '?'})"
        label = (f"{where}: {point['date'] or 'undated'} CAMEO {point['cameo']} "
                 f"{point['source_code'] or '?'} → {point['target_code'] or '–'}")
        placed.append(MapPoint(round(x, 2), round(y, 2), point["event_id"],
                               point["quad_class"], label))
    return placed


def graticule(every: int = 30) -> list[Line]:
    """Meridians and parallels every `every` degrees, labelled."""
    w, h = 360 * MAP_SCALE, 180 * MAP_SCALE
    lines = [Line((lon + 180) * MAP_SCALE, 0, (lon + 180) * MAP_SCALE, h, f"{lon}°")
             for lon in range(-180 + every, 180, every)]
    lines += [Line(0, (90 - lat) * MAP_SCALE, w, (90 - lat) * MAP_SCALE, f"{lat}°")
              for lat in range(-90 + every, 90, every)]
    return lines


@dataclass(slots=True, frozen=True)
class Node:
    code: str
    x: float
    y: float
    r: float
    events: int
    label_x: float
    label_y: float
    anchor: str


@dataclass(slots=True, frozen=True)
class Edge:
    a: str
    b: str
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    events: int
    tone: str


def network_chart(data: dict[str, Any], size: int = 460) -> tuple[list[Node], list[Edge]]:
    """Actors on a circle (area by events), edges as wide as their dyads' event counts."""
    nodes_in = data["nodes"]
    centre, radius = size / 2, size / 2 - 80
    peak = max((n["events"] for n in nodes_in), default=1)
    nodes: dict[str, Node] = {}
    for i, node in enumerate(nodes_in):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(nodes_in), 1)
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = "start" if cos > 0.2 else "end" if cos < -0.2 else "middle"
        nodes[node["code"]] = Node(
            node["code"], round(centre + radius * cos, 1), round(centre + radius * sin, 1),
            round(4 + 14 * math.sqrt(node["events"] / peak), 1), int(node["events"]),
            round(centre + (radius + 24) * cos, 1), round(centre + (radius + 24) * sin + 4, 1),
            anchor)
    heaviest = max((e["events"] for e in data["edges"]), default=1)
    edges = []
    for edge in data["edges"]:
        a, b = nodes[edge["a"]], nodes[edge["b"]]
        tone = ("conflict" if edge["conflict"] > edge["cooperation"] else
                "cooperation" if edge["cooperation"] > edge["conflict"] else "mixed")
        edges.append(Edge(a.code, b.code, a.x, a.y, b.x, b.y,
                          round(1 + 7 * edge["events"] / heaviest, 1), int(edge["events"]),
                          tone))
    return list(nodes.values()), edges
