"""Build ``geo/`` from the reference research in ``../shared/reference``.

Run from the project root::

    python scripts/build_geo.py [REFERENCE_DIR]

It copies the route geometries (adding a stable feature id and ``route_id``),
writes the facilities point layer from the sourced facility coordinates, copies
the Natural Earth basemap, and writes ``geo/catalog.json``: the layer table plus
every figure of ``corridor-facts.json`` with its source. Nothing is computed
here that is not in the reference files, except the layer table below
(display name, kind, status class and default visibility).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "geo"

# Layer table: how each reference route is shown. Names in Turkish and
# Azerbaijani are picked, verbatim, from the aliases in corridor-facts.json.
LAYERS: dict[str, dict[str, object]] = {
    "btc": {
        "name": "Baku–Tbilisi–Ceyhan oil pipeline (BTC)",
        "short": "BTC",
        "kind": "oil",
        "status": "operating",
        "role": "route",
        "tr": "Bakü–Tiflis–Ceyhan Ham Petrol Boru Hattı (TR)",
        "az": "Bakı–Tbilisi–Ceyhan əsas ixrac neft kəməri (AZ)",
    },
    "scp": {
        "name": "Baku–Tbilisi–Erzurum (South Caucasus Pipeline)",
        "short": "BTE / SCP",
        "kind": "gas",
        "status": "operating",
        "role": "route",
        "tr": "Bakü–Tiflis–Erzurum Doğal Gaz Boru Hattı (TR)",
        "az": "Bakı–Tbilisi–Ərzurum qaz kəməri (AZ)",
    },
    "tanap": {
        "name": "Trans-Anatolian Natural Gas Pipeline (TANAP)",
        "short": "TANAP",
        "kind": "gas",
        "status": "operating",
        "role": "route",
        "tr": "Trans Anadolu Doğal Gaz Boru Hattı (TR)",
        "az": "Trans-Anadolu Təbii Qaz Boru Kəməri (AZ)",
    },
    "tap": {
        "name": "Trans Adriatic Pipeline (TAP)",
        "short": "TAP",
        "kind": "gas",
        "status": "operating",
        "role": "route",
        "tr": "Trans Adriyatik Doğal Gaz Boru Hattı (TR)",
        "az": "Trans-Adriatik Boru Kəməri (AZ)",
    },
    "btk": {
        "name": "Baku–Tbilisi–Kars railway (BTK)",
        "short": "BTK",
        "kind": "rail",
        "status": "operating",
        "role": "route",
        "tr": "Bakü–Tiflis–Kars Demiryolu (TR)",
        "az": "Bakı–Tbilisi–Qars dəmir yolu (BTQ, AZ)",
    },
    "igdir_nakhchivan": {
        "name": "Iğdır–Nakhchivan gas pipeline",
        "short": "Iğdır–Nakhchivan",
        "kind": "gas",
        "status": "operating",
        "role": "route",
        "tr": "Iğdır–Nahçıvan Doğal Gaz Boru Hattı (TR)",
        "az": "İğdır–Naxçıvan qaz kəməri (AZ)",
    },
    "kars_nakhchivan": {
        "name": "Kars–Nakhchivan railway",
        "short": "Kars–Nakhchivan",
        "kind": "rail",
        "status": "construction",
        "role": "route",
        "tr": "Kars–Nahçıvan Demiryolu (TR)",
        "az": "Qars–Naxçıvan dəmir yolu (AZ)",
    },
    "baku_supsa": {
        "name": "Baku–Supsa oil pipeline (WREP)",
        "short": "Baku–Supsa",
        "kind": "oil",
        "status": "operating",
        "role": "context",
        "tr": "Bakü–Supsa Petrol Boru Hattı (TR)",
        "az": "Bakı–Supsa neft kəməri (AZ)",
    },
    "black_sea_cable": {
        "name": "Black Sea submarine power cable",
        "short": "Black Sea cable",
        "kind": "power",
        "status": "planned",
        "role": "context",
        "tr": "Karadeniz denizaltı enerji kablosu (TR)",
        "az": "Xəzər–Qara dəniz–Avropa yaşıl enerji dəhlizi (AZ)",
    },
}

# Segment status words in the reference geometries -> status class.
SEGMENT_STATUS = {
    "planned/under construction": "construction",
    "planned": "planned",
    "existing": "operating",
}

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
    return alias.rsplit(" (", 1)[0] if alias.endswith(("(TR)", "(AZ)")) else alias


def build(reference: Path) -> None:
    facts = json.loads((reference / "corridor-facts.json").read_text(encoding="utf-8"))
    routes_by_id = {r["id"]: r for r in facts["routes"]}
    GEO.joinpath("routes").mkdir(parents=True, exist_ok=True)

    routes = []
    for rid, layer in LAYERS.items():
        src = json.loads((reference / "geo" / "routes" / f"{rid}.geojson").read_text("utf-8"))
        for feature in src["features"]:
            props = feature["properties"]
            order = props["segment_order"]
            feature["id"] = f"{rid}-{order}"
            props["route_id"] = rid
            if "status" in props:
                props["status_class"] = SEGMENT_STATUS.get(props["status"], layer["status"])
        _dump(src, GEO / "routes" / f"{rid}.geojson")
        rfacts = routes_by_id[rid]
        routes.append(
            {
                "id": rid,
                "file": f"routes/{rid}.geojson",
                "name": layer["name"],
                "short_name": layer["short"],
                "name_tr": _alias(rfacts, str(layer["tr"])),
                "name_az": _alias(rfacts, str(layer["az"])),
                "kind": layer["kind"],
                "status": layer["status"],
                "role": layer["role"],
                "default_visible": layer["role"] == "route",
                "facts": rfacts,
            }
        )

    features = []
    for fac in facts["facilities"]:
        if fac["lon"] is None or fac["lat"] is None:
            continue  # no sourced coordinate: listed in the catalog, not drawn
        features.append(
            {
                "type": "Feature",
                "id": fac["id"],
                "properties": {
                    "facility_id": fac["id"],
                    "name": fac["name"],
                    "category": FACILITY_CATEGORY[fac["id"]],
                },
                "geometry": {"type": "Point", "coordinates": [fac["lon"], fac["lat"]]},
            }
        )
    _dump({"type": "FeatureCollection", "name": "facilities", "features": features},
          GEO / "facilities.geojson")

    # countries.geojson comes from scripts/build_basemap.py (a wider Natural Earth extent)
    shutil.copyfile(reference / "geo" / "basemap" / "places.geojson",
                    GEO / "basemap" / "places.geojson")

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
            "items": [
                {**fac, "category": FACILITY_CATEGORY[fac["id"]]} for fac in facts["facilities"]
            ],
        },
        **{key: facts[key] for key in FACTS_KEYS},
    }
    _dump(catalog, GEO / "catalog.json", compact=False)
    print(f"wrote {len(routes)} routes, {len(features)} facilities, catalog.json to {GEO}")


if __name__ == "__main__":
    ref = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference"
    (GEO / "basemap").mkdir(parents=True, exist_ok=True)
    build(ref)
