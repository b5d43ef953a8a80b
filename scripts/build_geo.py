"""Build ``geo/`` from the project's sources in ``geo/sources/``.

Run from the project root::

    python scripts/build_geo.py [SOURCES_DIR [OUT_DIR]]

It copies the route geometries (adding a stable feature id and ``route_id``),
writes the facilities point layer from the sourced facility coordinates, copies
the Natural Earth places, and writes ``geo/catalog.json``: the layer table plus
every figure of ``corridor-facts.json`` with its source. Nothing is computed
here that is not in the sources, except the reviewed tables below (how each route
is shown, what each volume measures, which capacity was in force when, the short
names the map writes, and the reader's words for the research's working notes:
facility names and locations, and field names or ids in texts readers see).
Corrections and new facts are edits to ``geo/sources/`` or to these tables, never to
the built files; ``tests/test_geo_data.py`` checks that this build reproduces
``geo/`` byte for byte.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import get_args

import babel
from babel import Locale
from babel.core import get_cldr_version

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corridor_atlas.catalog import Effect, Milestone, Route  # noqa: E402
from corridor_atlas.timeline import check_milestones, route_problems, route_status  # noqa: E402

EFFECTS = get_args(Effect)
GEO = ROOT / "geo"
SOURCES = GEO / "sources"

# Layer table: how each reference route is shown. Names in Turkish and
# Azerbaijani are picked, verbatim, from the aliases in corridor-facts.json.
LAYERS: dict[str, dict[str, object]] = {
    "btc": {
        "name": "Baku–Tbilisi–Ceyhan oil pipeline (BTC)",
        "short": "BTC",
        "kind": "oil",
        "role": "route",
        "tr": "Bakü–Tiflis–Ceyhan Ham Petrol Boru Hattı (TR)",
        "az": "Bakı–Tbilisi–Ceyhan əsas ixrac neft kəməri (AZ)",
    },
    "scp": {
        "name": "South Caucasus Pipeline (SCP, Baku–Tbilisi–Erzurum)",
        "short": "SCP",
        "kind": "gas",
        "role": "route",
        "tr": "Bakü–Tiflis–Erzurum Doğal Gaz Boru Hattı (TR)",
        "az": "Bakı–Tbilisi–Ərzurum qaz kəməri (AZ)",
    },
    "tanap": {
        "name": "Trans-Anatolian Natural Gas Pipeline (TANAP)",
        "short": "TANAP",
        "kind": "gas",
        "role": "route",
        "tr": "Trans Anadolu Doğal Gaz Boru Hattı (TR)",
        "az": "Trans-Anadolu Təbii Qaz Boru Kəməri (AZ)",
    },
    "tap": {
        "name": "Trans Adriatic Pipeline (TAP)",
        "short": "TAP",
        "kind": "gas",
        "role": "route",
        "tr": "Trans Adriyatik Doğal Gaz Boru Hattı (TR)",
        "az": "Trans-Adriatik Boru Kəməri (AZ)",
    },
    "btk": {
        "name": "Baku–Tbilisi–Kars railway (BTK)",
        "short": "BTK",
        "kind": "rail",
        "role": "route",
        "tr": "Bakü–Tiflis–Kars Demiryolu (TR)",
        "az": "Bakı–Tbilisi–Qars dəmir yolu (BTQ, AZ)",
    },
    "igdir_nakhchivan": {
        "name": "Iğdır–Nakhchivan gas pipeline",
        "short": "Iğdır–Nakhchivan",
        "kind": "gas",
        "role": "route",
        "tr": "Iğdır–Nahçıvan Doğal Gaz Boru Hattı (TR)",
        "az": "İğdır–Naxçıvan qaz kəməri (AZ)",
    },
    "kars_nakhchivan": {
        "name": "Kars–Nakhchivan railway",
        "short": "Kars–Nakhchivan",
        "kind": "rail",
        "role": "route",
        "tr": "Kars–Nahçıvan Demiryolu (TR)",
        "az": "Qars–Naxçıvan dəmir yolu (AZ)",
    },
    "baku_supsa": {
        "name": "Baku–Supsa oil pipeline (WREP)",
        "short": "Baku–Supsa",
        "kind": "oil",
        "role": "context",
        "tr": "Bakü–Supsa Petrol Boru Hattı (TR)",
        "az": "Bakı–Supsa neft kəməri (AZ)",
    },
    "black_sea_cable": {
        "name": "Black Sea submarine power cable",
        "short": "Black Sea cable",
        "kind": "power",
        "role": "context",
        "tr": "Karadeniz denizaltı enerji kablosu (TR)",
        "az": "Xəzər–Qara dəniz–Avropa yaşıl enerji dəhlizi (AZ)",
    },
    "igb": {
        "name": "Interconnector Greece–Bulgaria (IGB)",
        "short": "IGB",
        "kind": "gas",
        "role": "connection",
        "tr": "IGB Gümülcine – Makaza gaz enterkonektörü (TR)",
        "az": "Yunanıstan–Bolqarıstan qaz interkonnektoru (AZ)",
    },
    "kilis_aleppo": {
        "name": "Kilis–Aleppo gas pipeline",
        "short": "Kilis–Aleppo",
        "kind": "gas",
        "role": "connection",
        "tr": "Türkiye-Suriye Doğal Gaz Boru Hattı (TR)",
        "az": "Kilis-Hələb kəməri (AZ)",
    },
    "horadiz_aghband": {
        "name": "Horadiz–Aghband railway",
        "short": "Horadiz–Aghband",
        "kind": "rail",
        "role": "connection",
        "tr": "Horadiz-Ağbend demiryolu hattı (TR)",
        "az": "Horadiz–Ağbənd dəmir yolu (AZ)",
    },
    "tripp": {
        "name": "TRIPP: rail link through Syunik (Trump Route)",
        "short": "TRIPP",
        "kind": "rail",
        "role": "connection",
        "tr": "Uluslararası Barış ve Refah İçin Trump Rotası (TR)",
        "az": "Beynəlxalq Sülh və Firavanlıq üçün Tramp Marşrutu (AZ)",
    },
    "bstn": {
        "name": "Black Sea Transmission Network (BSTN)",
        "short": "BSTN",
        "kind": "power",
        "role": "connection",
        "tr": "380 kV Borçka-Sınır-Gürcistan Enerji İletim Hattı (TR)",
        "az": "Qara dəniz elektrik ötürmə şəbəkəsi (AZ)",
    },
}

# Where each route begins and ends, as the short place name the map writes at the
# line's first and last point (from the route's documented `start` and `end`).
ENDPOINTS: dict[str, tuple[str, str]] = {
    "btc": ("Sangachal", "Ceyhan"),
    "scp": ("Sangachal", "Türkgözü"),
    "tanap": ("Türkgözü", "Kipoi"),
    "tap": ("Kipoi", "Melendugno"),
    "btk": ("Baku", "Kars"),
    "igdir_nakhchivan": ("Iğdır", "Sadarak"),
    "kars_nakhchivan": ("Kars", "Nakhchivan"),
    "baku_supsa": ("Sangachal", "Supsa"),
    "black_sea_cable": ("Anaklia", "Constanța"),
    "igb": ("Komotini", "Stara Zagora"),
    "kilis_aleppo": ("Kilis", "Aleppo"),
    "horadiz_aghband": ("Horadiz", "Aghband"),
    "tripp": ("Aghband", "Nakhchivan"),
    "bstn": ("Gardabani", "Borçka"),
}

# Which way a route carries its load: a pipeline from its origin to its terminus (its
# features are ordered and oriented that way, see PROVENANCE.md); trains and power run
# both ways.
FLOW_DIRECTION = {"oil": "forward", "gas": "forward", "rail": "both", "power": "both"}

# The parts that together make up all a route carries, when its sources give only
# parts: TANAP delivers to Türkiye (its offtakes) and to Europe (into TAP at Kipoi).
THROUGHPUT_SHARES: dict[str, list[str]] = {"tanap": ["to Türkiye", "to Europe"]}

# What an annual volume measures. By default, all the route carried that year
# ("throughput", possibly counted at one section), or a count of containers
# ("count"). Listed here: volumes that are one part of the throughput ("share"), with
# the part they are. Keyed by (route, year, value); each key must match a volume.
VOLUME_SHARES: dict[tuple[str, int, float], str] = {
    ("btc", 2016, 33.93): "Azerbaijani crude",
    ("btc", 2017, 33.76): "Azerbaijani crude",
    ("btc", 2019, 31.135): "Azerbaijani crude",
    ("scp", 2009, 4.7879): "to Türkiye",
    ("scp", 2010, 4.3556): "to Türkiye",
    ("tanap", 2020, 4.7): "to Türkiye",
    ("tanap", 2021, 5.6): "to Türkiye",
    ("tanap", 2022, 5.8): "to Türkiye",
    ("tanap", 2022, 11.3): "to Europe",
    ("tanap", 2023, 5.6): "to Türkiye",
    ("tanap", 2024, 5.6): "to Türkiye",
    ("tanap", 2025, 5.6): "to Türkiye",
}
COUNT_UNITS = frozenset({"TEU", "containers"})

# The years each capacity was the one in force (first and last year; None: still in
# force), and what dates it: the capacity's own note or a dated milestone of the route.
# Capacities not listed (planned, alternative or increment figures) are never in force.
# Keyed by (route, value, unit); each key must match a capacity.
CAPACITY_IN_FORCE: dict[tuple[str, float, str], tuple[int, int | None, str]] = {
    ("btc", 1.0, "million bbl/day"): (
        2006, 2008, "design throughput March 2006–March 2009 (the capacity's note)"),
    ("btc", 1.2, "million bbl/day"): (
        2009, None, "milestone 2009-03: throughput raised to 1.2 million bbl/day"),
    ("scp", 7.41, "bcm/y"): (
        2006, 2017, "milestone 2006-09-30: commercial deliveries commenced; "
        "expanded by SCPX from 2018"),
    ("scp", 23.4, "bcm/y"): (2018, None, "milestone 2018-06-30: SCPX operating"),
    ("tanap", 16.0, "bcm/y"): (
        2018, None, "milestone 2018-06-30: commercial gas deliveries began"),
    ("tap", 10.0, "bcm/y"): (
        2020, 2025, "milestone 2020-11-15: start of commercial operations; "
        "expanded from 2026-01-01"),
    ("tap", 11.2, "bcm/y"): (
        2026, None, "milestone 2026-01-01: first expansion capacity available"),
    ("btk", 1.0, "Mt/y"): (
        2017, 2023, "practical capacity 2017–2023 per ADY (the capacity's note)"),
    ("btk", 5.0, "Mt/y"): (
        2024, None, "milestone 2024-05-20: reopened after modernisation, capacity 5 Mt/y"),
    ("igdir_nakhchivan", 0.73, "bcm/y"): (2025, None, "milestone 2025-03-05: inauguration"),
}

# The short name the map writes beside a facility's marker.
FACILITY_LABELS: dict[str, str] = {
    "sangachal": "Sangachal",
    "supsa_terminal": "Supsa",
    "erzurum": "Erzurum",
    "turkgozu": "Türkgözü",
    "kipoi_junction": "Kipoi",
    "kipoi_cs": "Kipoi",
    "fier_cs": "Fier",
    "tap_landfall_melendugno": "San Foca",
    "star_refinery": "STAR Refinery",
    "shah_deniz": "Shah Deniz",
    "acg": "ACG",
    "kars_station": "Kars",
    "akhalkalaki": "Akhalkalaki",
    "alat_port": "Alat",
    "nakhchivan_city": "Nakhchivan",
    "igdir": "Iğdır",
}

# Facility names as readers get them, where the research's name carries a working note.
FACILITY_NAMES: dict[str, str] = {
    # research: "… referred to as Haydar Aliyev terminal in the brief – name not verified"
    "ceyhan_terminal": "Ceyhan Marine Terminal (BTC terminal)",
}

# A facility's name as a panel heads with it, where the research's name carries what the
# facility is or where (said again under the heading, with the name in full): short
# enough for a phone's width.
FACILITY_SHORT_NAMES: dict[str, str] = {
    "ceyhan_terminal": "Ceyhan Marine Terminal",
    "erzurum": "Erzurum",
    "turkgozu": "Türkgözü",
    "kipoi_junction": "TANAP–TAP interconnection at Kipoi",
    "kipoi_cs": "Kipoi compressor station",
    "fier_cs": "Fier compressor station",
    "tap_landfall_melendugno": "TAP landfall, Melendugno",
    "star_refinery": "STAR Refinery, Aliağa",
    "acg": "Azeri–Chirag–Gunashli (ACG)",
    "kars_station": "Kars railway station",
    "akhalkalaki": "Akhalkalaki",
    "alat_port": "Baku International Sea Trade Port",
    "nakhchivan_city": "Nakhchivan",
    "igdir": "Iğdır",
    "dilucu": "Dilucu / Sadarak border crossing",
}

# What each facility's point stands for, read from the research's precision note (which
# stays in the catalog as data): the site itself, one point for a field or complex, the
# centre of the town the facility is, the nearby town or village standing in for a site
# no source locates, or no point at all.
FACILITY_LOCATION: dict[str, str] = {
    "sangachal": "site",
    "ceyhan_terminal": "none",
    "supsa_terminal": "site",
    "erzurum": "centre",
    "turkgozu": "centre",
    "kipoi_junction": "nearby",
    "kipoi_cs": "nearby",
    "fier_cs": "nearby",
    "tap_landfall_melendugno": "nearby",
    "star_refinery": "nearby",
    "shah_deniz": "area",
    "acg": "area",
    "kars_station": "site",
    "akhalkalaki": "centre",
    "alat_port": "nearby",
    "nakhchivan_city": "centre",
    "igdir": "centre",
    "dilucu": "none",
}

# Where a facility without a point is, in the words of its precision note.
FACILITY_WHERE: dict[str, str] = {
    "ceyhan_terminal": "The sources describe it as about 20 km north-east of Yumurtalık, "
                       "on İskenderun Bay.",
    "dilucu": "On the Aras river (the 'Umut', Hope, bridge) in Aralık district, 38 km from "
              "Aralık and 85 km from Iğdır.",
}

# The research's working words in texts readers see (notes, events, gaps), in reader
# words: its field names and ids become what the atlas calls those things. Each must
# match a text.
READER_WORDS: dict[str, str] = {
    "(GOGC 27.6 Mt, see annual_volumes)": "(GOGC 27.6 Mt, see the annual volumes)",
    "(11.2 bcm, see other_volume_data)": "(11.2 bcm, see the partial-year figures)",
    "(see each row's 'what')": "(see what each row measures)",
    "(Azerbaijan's exports to Europe are listed in gas_exports_azerbaijan)":
        "(Azerbaijan's exports to Europe are under Gas exports in the corridor overview)",
    "(see gas_exports_azerbaijan)": "(see Gas exports in the corridor overview)",
    "(see kars_nakhchivan)": "(see the Kars–Nakhchivan railway)",
    "The geojson adds a traced segment 2 (existing Nakhchivan railway "
    "Ordubad–Julfa–Nakhchivan, OSM) so that the layer joins kars_nakhchivan; that segment "
    "is not part of TRIPP.":
        "The map adds a traced section (the existing Nakhchivan railway "
        "Ordubad–Julfa–Nakhchivan, from OpenStreetMap) so that the line joins the "
        "Kars–Nakhchivan railway; that section is not part of TRIPP.",
    "(see 'precision')": "(see each facility's location)",
    # country codes in notes, in words as the panels name countries
    "AZE = ~188 km Nakhchivan railway network": "Azerbaijan: ~188 km, the Nakhchivan railway "
                                               "network",
    "BGR = 182 − 31 (derived)": "Bulgaria: 182 − 31 km (derived)",
}

# Coordinates the research wrote as degrees-minutes-seconds read as decimals: Kars
# station's "40.361865, 43.062405" is 40°36′18.65″ N, 43°06′24.05″ E (the OpenStreetMap
# station node the BTK and Kars–Nakhchivan lines end at is 40.60494, 43.10685).
DMS_AS_DECIMAL = frozenset({"kars_station"})

# Natural Earth's English country names that differ from the names the atlas uses:
# Türkiye is the country's name at the United Nations since 1 June 2022.
COUNTRY_NAMES = {"Turkey": "Türkiye"}

# The ISO 3166-1 alpha-3 codes the research writes countries in (a route's countries, the
# parts of its length by country: "GEO", "TUR (new-build)"), each with its Natural Earth
# English name (the basemap's), written for readers as COUNTRY_NAMES says.
COUNTRY_CODES = {
    "ALB": "Albania", "ARM": "Armenia", "AZE": "Azerbaijan", "BGR": "Bulgaria",
    "GEO": "Georgia", "GRC": "Greece", "HUN": "Hungary", "ITA": "Italy", "ROU": "Romania",
    "SYR": "Syria", "TUR": "Turkey",
}
_CODE = re.compile(r"[A-Z]{3}(?= \(|$)")  # a code, alone or before a qualifier in brackets

# Natural Earth place names written as the atlas writes them elsewhere: the city the
# Kars–Nakhchivan railway and the Iğdır–Nakhchivan pipeline are named after.
PLACE_NAMES = {"Naxcivan": "Nakhchivan"}


# Natural Earth's countries, as the atlas writes them, and their ISO 3166-1 codes: their
# Turkish and Azerbaijani names are Unicode CLDR's (through Babel). Northern Cyprus has no
# code and no CLDR name: its English name is shown.
COUNTRY_ISO2: dict[str, str | None] = {
    "Afghanistan": "AF", "Albania": "AL", "Algeria": "DZ", "Andorra": "AD", "Armenia": "AM",
    "Austria": "AT", "Azerbaijan": "AZ", "Bahrain": "BH", "Belarus": "BY", "Belgium": "BE",
    "Bosnia and Herz.": "BA", "Bulgaria": "BG", "Chad": "TD", "Croatia": "HR", "Cyprus": "CY",
    "Czechia": "CZ", "Denmark": "DK", "Egypt": "EG", "Estonia": "EE", "Faeroe Is.": "FO",
    "Finland": "FI", "France": "FR", "Georgia": "GE", "Germany": "DE", "Greece": "GR",
    "Guernsey": "GG", "Hungary": "HU", "Iran": "IR", "Iraq": "IQ", "Ireland": "IE",
    "Isle of Man": "IM", "Israel": "IL", "Italy": "IT", "Jersey": "JE", "Jordan": "JO",
    "Kazakhstan": "KZ", "Kosovo": "XK", "Kuwait": "KW", "Latvia": "LV", "Lebanon": "LB",
    "Libya": "LY", "Liechtenstein": "LI", "Lithuania": "LT", "Luxembourg": "LU",
    "Macedonia": "MK", "Mali": "ML", "Malta": "MT", "Mauritania": "MR", "Moldova": "MD",
    "Monaco": "MC", "Montenegro": "ME", "Morocco": "MA", "N. Cyprus": None,
    "Netherlands": "NL", "Niger": "NE", "Norway": "NO", "Oman": "OM", "Pakistan": "PK",
    "Palestine": "PS", "Poland": "PL", "Portugal": "PT", "Qatar": "QA", "Romania": "RO",
    "Russia": "RU", "San Marino": "SM", "Saudi Arabia": "SA", "Serbia": "RS",
    "Slovakia": "SK", "Slovenia": "SI", "Spain": "ES", "Sudan": "SD", "Sweden": "SE",
    "Switzerland": "CH", "Syria": "SY", "Tajikistan": "TJ", "Tunisia": "TN", "Türkiye": "TR",
    "Turkmenistan": "TM", "Ukraine": "UA", "United Arab Emirates": "AE",
    "United Kingdom": "GB", "Uzbekistan": "UZ", "Vatican": "VA", "W. Sahara": "EH",
    "Åland": "AX",
}

# Capitals the map names, and the time zone whose exemplar city CLDR names in Turkish and
# Azerbaijani (Baku: Bakü, Bakı). Capitals not listed, or that CLDR does not name in a
# language, keep their English name there.
CAPITAL_ZONES: dict[str, str] = {
    "Athens": "Europe/Athens", "Baku": "Asia/Baku", "Beirut": "Asia/Beirut",
    "Bucharest": "Europe/Bucharest", "Chișinău": "Europe/Chisinau",
    "Damascus": "Asia/Damascus", "Podgorica": "Europe/Podgorica", "Skopje": "Europe/Skopje",
    "Sofia": "Europe/Sofia", "Tbilisi": "Asia/Tbilisi", "Tirana": "Europe/Tirane",
    "Yerevan": "Asia/Yerevan",
}
LOCAL_LANGS = ("tr", "az")


FACILITY_CATEGORY = {
    "sangachal": "terminal",
    "ceyhan_terminal": "terminal",
    "supsa_terminal": "terminal",
    "tap_landfall_melendugno": "terminal",
    "alat_port": "terminal",
    "erzurum": "junction",
    "turkgozu": "junction",
    "kipoi_junction": "junction",
    "dilucu": "junction",
    "kipoi_cs": "compressor",
    "fier_cs": "compressor",
    "star_refinery": "refinery",
    "shah_deniz": "field",
    "acg": "field",
    "kars_station": "station",
    "akhalkalaki": "station",
    "nakhchivan_city": "city",
    "igdir": "city",
}

ATTRIBUTION = [
    {
        "text": "Pipeline routes: Global Energy Monitor, Global Gas / Oil Infrastructure Tracker",
        "short": "Routes: Global Energy Monitor",
        "licence": "CC BY 4.0",
        "url": "https://globalenergymonitor.org/",
    },
    {
        "text": "TAP, TANAP and railway geometries © OpenStreetMap contributors",
        "short": "© OpenStreetMap contributors",
        "licence": "ODbL 1.0",
        "url": "https://www.openstreetmap.org/copyright",
    },
    {
        "text": "Basemap: Natural Earth",
        "short": "Natural Earth",
        "licence": "public domain",
        "url": "https://www.naturalearthdata.com/",
    },
]

FACTS_KEYS = (
    "context_figures",
    "gas_exports_azerbaijan",
    "gas_exports_cumulative",
    "related_agreements",
    "gaps",
    "source_reliability_notes",
)


def _dump(obj: object, path: Path, *, compact: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) if compact
            else json.dumps(obj, ensure_ascii=False, indent=1))
    path.write_text(text + "\n", encoding="utf-8")


def _alias(facts: dict, alias: str) -> str:
    if alias not in facts["aliases"]:
        raise SystemExit(f"{facts['id']}: alias {alias!r} not in corridor-facts.json")
    # the research's language mark: "… (TR)" goes, "… (BTQ, AZ)" keeps its "(BTQ)"
    return re.sub(r" \((?:TR|AZ)\)$|, (?:TR|AZ)(?=\)$)", "", alias)


def _mark_volumes(rid: str, facts: dict, used: set) -> None:
    """Give every annual volume its ``measure`` (and the ``share`` it is, if one)."""
    for key in ("annual_volumes", "annual_volume_alternatives", "annual_volumes_italy_only"):
        for volume in facts.get(key, []):
            share_key = (rid, volume["year"], volume["value"])
            share = VOLUME_SHARES.get(share_key) if key == "annual_volumes" else None
            if share is not None:
                used.add(share_key)
                volume["measure"], volume["share"] = "share", share
            elif volume["unit"] in COUNT_UNITS:
                volume["measure"] = "count"
            else:
                volume["measure"] = "throughput"


def _mark_capacities(rid: str, facts: dict, used: set) -> None:
    """Give the capacities in force their years and what dates them."""
    for capacity in facts["capacity"]:
        key = (rid, float(capacity["value"]), capacity["unit"])
        if key in CAPACITY_IN_FORCE:
            used.add(key)
            first, last, basis = CAPACITY_IN_FORCE[key]
            capacity["in_force"] = {"from_year": first, "until_year": last, "basis": basis}


def _dms(value: float) -> float:
    """``40.361865`` read as 40°36′18.65″ → 40.60518 (degrees)."""
    degrees = int(value)
    minutes = int(round((value - degrees) * 100, 6))
    seconds = ((value - degrees) * 100 - minutes) * 100
    return round(degrees + minutes / 60 + seconds / 3600, 5)


def _reader_words(obj: object, used: set) -> object:
    """``obj`` with :data:`READER_WORDS` replaced in every text it holds."""
    if isinstance(obj, dict):
        return {key: _reader_words(value, used) for key, value in obj.items()}
    if isinstance(obj, list):
        return [_reader_words(value, used) for value in obj]
    if isinstance(obj, str):
        for old, new in READER_WORDS.items():
            if old in obj:
                used.add(old)
                obj = obj.replace(old, new)
    return obj


def _cldr_source(what: str, lang: str) -> dict:
    return {"url": "https://cldr.unicode.org/",
            "title": f"Unicode CLDR {get_cldr_version()}: {what} in "
                     f"{Locale.parse(lang).get_display_name('en')}",
            "publisher": f"Unicode Consortium (CLDR, through Babel {babel.__version__})",
            "date": None}


def _cldr_names() -> dict[str, dict[str, dict]]:
    """The countries' and the capitals' names in Turkish and Azerbaijani, from CLDR."""
    countries = {f["properties"]["name"] for f in json.loads(
        (GEO / "basemap" / "countries.geojson").read_text("utf-8"))["features"]}
    written = {COUNTRY_NAMES.get(name, name) for name in countries}
    if written != set(COUNTRY_ISO2):
        raise SystemExit("COUNTRY_ISO2: not the basemap's countries: "
                         f"{sorted(written ^ set(COUNTRY_ISO2))}")
    names: dict[str, dict[str, dict]] = {}
    for lang in LOCAL_LANGS:
        locale = Locale.parse(lang)
        for country, code in COUNTRY_ISO2.items():
            local = locale.territories.get(code) if code else None
            if local and local != country:
                names.setdefault(country, {})[lang] = {
                    "name": local, "source": _cldr_source("territory names", lang)}
        for city, zone in CAPITAL_ZONES.items():
            local = locale.time_zones.get(zone, {}).get("city")
            if local and local != city:
                names.setdefault(city, {})[lang] = {
                    "name": local, "source": _cldr_source("exemplar cities of time zones", lang)}
    return names


def _local_names(reference: Path, routes: list[dict], facilities: list[dict]) -> dict:
    """Every name in Turkish and Azerbaijani for a text the map writes, with its source:
    the sourced names of ``names.json`` and CLDR's countries and capitals."""
    sourced = json.loads((reference / "names.json").read_text("utf-8"))["places"]
    places = {f["properties"]["name"] for f in json.loads(
        (reference / "basemap" / "places.geojson").read_text("utf-8"))["features"]}
    written = ({PLACE_NAMES.get(p, p) for p in places}
               | {r[k] for r in routes for k in ("start_label", "end_label")}
               | {f["label"] for f in facilities if f["label"]})
    unknown = sorted(set(sourced) - written)
    if unknown:
        raise SystemExit(f"names.json: the map writes no place {unknown}")
    names = _cldr_names()
    for text, by_lang in sourced.items():
        for lang, local in by_lang.items():
            if lang not in LOCAL_LANGS:
                raise SystemExit(f"names.json: {text!r} has a name in {lang!r}")
            names.setdefault(text, {})[lang] = local
    return {text: dict(sorted(names[text].items())) for text in sorted(names)}


def _facility(fac: dict) -> dict:
    out = {**fac, "name": FACILITY_NAMES.get(fac["id"], fac["name"]),
           "location": FACILITY_LOCATION[fac["id"]],
           "location_note": FACILITY_WHERE.get(fac["id"]),
           "category": FACILITY_CATEGORY[fac["id"]],
           "label": FACILITY_LABELS.get(fac["id"]),
           "short_name": FACILITY_SHORT_NAMES.get(fac["id"])}
    if fac["id"] in DMS_AS_DECIMAL:
        out["lon"], out["lat"] = _dms(fac["lon"]), _dms(fac["lat"])
        out["precision"] = (f"{fac['precision']}; the research gave {fac['lat']}, "
                            f"{fac['lon']}, degrees-minutes-seconds written as decimals, "
                            "converted here")
    return out


def _segment(rid: str, feature: dict) -> dict:
    """A route feature as the catalog lists it: id, name, and whether it was there before."""
    props = feature["properties"]
    out = {"id": f"{rid}-{props['segment_order']}", "name": props["segment"],
           "existing": props.get("status") == "existing"}
    for key in ("existing_since", "existing_source", "existing_note"):
        if key in props:
            out[key] = props[key]
    return out


def _status(route: dict, as_of: str) -> str:
    """The route's status on the as-of date, from its milestones' effects (checked first)."""
    for i, milestone in enumerate(route["facts"]["milestones"]):
        if milestone.get("effect") not in EFFECTS:
            raise SystemExit(f"{route['id']}: milestone {i} ({milestone['date']} "
                             f"{milestone['event']!r}) has effect {milestone.get('effect')!r}; "
                             f"expected one of {', '.join(EFFECTS)}")
    checked = Route.model_validate({**route, "status": "planned"})
    problems = route_problems(checked)
    if problems:
        raise SystemExit(f"{route['id']}: milestones out of order:\n  " + "\n  ".join(problems))
    status = route_status(checked, None, as_of=as_of)
    if status is None:
        raise SystemExit(f"{route['id']}: no milestone up to {as_of} sets a status")
    return status


def _unused(table: dict, used: set, name: str) -> None:
    missing = sorted(set(table) - used)
    if missing:
        raise SystemExit(f"{name}: no figure matches {missing}")


def _country_codes(routes: list[dict]) -> dict[str, str]:
    """Each country code the routes' facts use, with the country's name for readers; a
    code the table does not name stops the build."""
    used: set[str] = set()
    for route in routes:
        facts = route["facts"]
        meta = facts.get("length_by_country_meta") or {}
        parts = [*facts["countries"], *facts["length_by_country_km"],
                 *(meta.get("scpx_values") or {})]
        parts += [k for alt in meta.get("alternatives", []) if isinstance(alt["value"], dict)
                  for k in alt["value"]]
        found = {m.group(0) for p in parts if (m := _CODE.match(p))}
        unknown = sorted(found - COUNTRY_CODES.keys()) + sorted(
            c for c in facts["countries"] if c not in COUNTRY_CODES)
        if unknown:
            raise SystemExit(f"{route['id']}: country codes {unknown} not in COUNTRY_CODES")
        used |= found
    return {code: COUNTRY_NAMES.get(COUNTRY_CODES[code], COUNTRY_CODES[code])
            for code in sorted(used)}


def build(reference: Path, out: Path = GEO) -> None:
    """Write ``out`` (catalog, routes, facilities, places) from the sources in ``reference``."""
    facts = json.loads((reference / "corridor-facts.json").read_text(encoding="utf-8"))
    words_used: set = set()
    facts = _reader_words(facts, words_used)
    _unused(READER_WORDS, words_used, "READER_WORDS")
    routes_by_id = {r["id"]: r for r in facts["routes"]}
    out.joinpath("routes").mkdir(parents=True, exist_ok=True)
    out.joinpath("basemap").mkdir(parents=True, exist_ok=True)

    routes = []
    shares_used: set = set()
    capacities_used: set = set()
    for rid, layer in LAYERS.items():
        src = json.loads((reference / "routes" / f"{rid}.geojson").read_text("utf-8"))
        for feature in src["features"]:
            props = feature["properties"]
            order = props["segment_order"]
            feature["id"] = f"{rid}-{order}"
            props["route_id"] = rid
        _dump(src, out / "routes" / f"{rid}.geojson")
        rfacts = routes_by_id[rid]
        _mark_volumes(rid, rfacts, shares_used)
        _mark_capacities(rid, rfacts, capacities_used)
        start, end = ENDPOINTS[rid]
        route = {
                "id": rid,
                "file": f"routes/{rid}.geojson",
                "name": layer["name"],
                "short_name": layer["short"],
                "name_tr": _alias(rfacts, str(layer["tr"])),
                "name_az": _alias(rfacts, str(layer["az"])),
                "kind": layer["kind"],
                "status": None,
                "role": layer["role"],
                "default_visible": layer["role"] == "route",
                "start_label": start,
                "end_label": end,
                "flow_direction": FLOW_DIRECTION[str(layer["kind"])],
                "throughput_shares": THROUGHPUT_SHARES.get(rid, []),
                "segments": [_segment(rid, f) for f in src["features"]],
                "facts": rfacts,
            }
        route["status"] = _status(route, facts["as_of"])
        routes.append(route)
    _unused(VOLUME_SHARES, shares_used, "VOLUME_SHARES")
    _unused(CAPACITY_IN_FORCE, capacities_used, "CAPACITY_IN_FORCE")

    facilities = [_facility(fac) for fac in facts["facilities"]]
    facility_names = json.loads((reference / "names.json").read_text("utf-8"))["facilities"]
    unknown = sorted(set(facility_names) - {f["id"] for f in facilities})
    if unknown:
        raise SystemExit(f"names.json: no facility {unknown}")
    for fac in facilities:
        local = facility_names.get(fac["id"], {})
        fac["name_tr"], fac["name_az"] = local.get("tr"), local.get("az")
    unknown = set(FACILITY_SHORT_NAMES) - {fac["id"] for fac in facilities}
    if unknown:
        raise SystemExit(f"FACILITY_SHORT_NAMES names no facility: {sorted(unknown)}")
    for fac in facilities:
        problems = check_milestones([Milestone.model_validate(m)
                                     for m in fac.get("milestones", [])])
        if problems:
            raise SystemExit(f"facility {fac['id']}: milestones out of order:\n  "
                             + "\n  ".join(problems))
    features = []
    for fac in facilities:
        if fac["lon"] is None or fac["lat"] is None:
            continue  # no sourced coordinate: listed in the catalog, not drawn
        features.append(
            {
                "type": "Feature",
                "id": fac["id"],
                "properties": {
                    "facility_id": fac["id"],
                    "name": fac["name"],
                    "category": fac["category"],
                },
                "geometry": {"type": "Point", "coordinates": [fac["lon"], fac["lat"]]},
            }
        )
    _dump({"type": "FeatureCollection", "name": "facilities", "features": features},
          out / "facilities.geojson")

    # countries.geojson comes from scripts/build_basemap.py (a wider Natural Earth extent)
    shutil.copyfile(reference / "basemap" / "places.geojson",
                    out / "basemap" / "places.geojson")

    codes = _country_codes(routes)
    catalog = {
        "schema_version": 1,
        "as_of": facts["as_of"],
        "as_of_note": facts["as_of_note"],
        "method": facts["method"],
        "attribution": ATTRIBUTION,
        "basemap": {"countries": "basemap/countries.geojson", "places": "basemap/places.geojson"},
        "routes": routes,
        "facilities": {
            "file": "facilities.geojson",
            "items": facilities,
        },
        "country_names": COUNTRY_NAMES,
        "country_codes": codes,
        "place_names": PLACE_NAMES,
        "local_names": _local_names(reference, routes, facilities),
        **{key: facts[key] for key in FACTS_KEYS},
    }
    _dump(catalog, out / "catalog.json", compact=False)
    print(f"wrote {len(routes)} routes, {len(features)} facilities, catalog.json to {out}")


if __name__ == "__main__":
    src_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCES
    out_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else GEO
    build(src_dir, out_dir)
