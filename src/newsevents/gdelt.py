"""Events as GDELT 2.0 event-table rows (61 tab-separated columns, no header in GDELT's files).

Columns newsevents cannot fill are left empty: NumMentions/NumSources/NumArticles/AvgTone need a
whole news stream; the ethnic, religion and known-group codes need dictionaries we do not ship.
GLOBALEVENTID is the first 15 hex digits of `event_id` read as an integer (stable, < 2^60).
SQLDATE is the event's own date (for a month or a year, its first day; `date_precision` in
newsevents' own formats says which), else the article's date, never the crawl date;
DATEADDED is left empty so that the same input always gives the same output. ActionGeo_* is
the event's location (Type 1 country, 3 US city, 4 world city; FIPS 10-4 country code as
GDELT uses; FeatureID the GeoNames id).
"""

from __future__ import annotations

from typing import Any

from newsevents.coder.geography import geography

ACTOR_COLUMNS = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode",
                 "Religion1Code", "Religion2Code", "Type1Code", "Type2Code", "Type3Code")
GEO_COLUMNS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long",
               "FeatureID")
COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{c}" for c in ACTOR_COLUMNS), *(f"Actor2{c}" for c in ACTOR_COLUMNS),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{c}" for c in GEO_COLUMNS), *(f"Actor2Geo_{c}" for c in GEO_COLUMNS),
    *(f"ActionGeo_{c}" for c in GEO_COLUMNS), "DATEADDED", "SOURCEURL",
)


def _actor(actor: dict[str, Any] | None) -> list[str]:
    if not actor:
        return [""] * len(ACTOR_COLUMNS)
    return [actor.get("code") or "", (actor.get("text") or "").upper(),
            actor.get("country") or "", "", "", "", "", actor.get("sector") or "", "", ""]


def _geo(location: dict[str, Any] | None) -> list[str]:
    """GDELT's geography: Type 1 country, 3 US city, 4 world city; FIPS country code;
    FeatureID the GeoNames id."""
    if not location:
        return [""] * len(GEO_COLUMNS)
    country = str(location.get("country") or "")
    city = location.get("lat") is not None
    kind = "1" if not city else "3" if country == "USA" else "4"
    return [kind, str(location.get("name") or ""), geography().fips.get(country, ""), "", "",
            "" if location.get("lat") is None else str(location["lat"]),
            "" if location.get("lon") is None else str(location["lon"]),
            str(location.get("geonameid") or "")]


def _dates(day: str | None) -> list[str]:
    if not day:
        return ["", "", "", ""]
    year, month, dom = (int(p) for p in day[:10].split("-"))
    fraction = year + ((month - 1) * 30 + dom) / 365
    return [f"{year:04d}{month:02d}{dom:02d}", f"{year:04d}{month:02d}", str(year),
            f"{fraction:.4f}"]


def gdelt_row(event: dict[str, Any], source_url: str | None) -> str:
    cameo = str(event["cameo"])
    cells = [
        str(int(str(event["event_id"])[:15], 16)),
        *_dates(event.get("date")),
        *_actor(event.get("source")), *_actor(event.get("target")),
        "1" if int(event["sentence_index"]) == 0 else "0",
        cameo, cameo[:3], str(event["cameo_root"]),
        str(event.get("quad_class") or ""),
        "" if event.get("goldstein") is None else str(event["goldstein"]),
        "", "", "", "",
        *_geo(None), *_geo(None), *_geo(event.get("location")),
        "", source_url or "",
    ]
    assert len(cells) == len(COLUMNS)
    return "\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells)
