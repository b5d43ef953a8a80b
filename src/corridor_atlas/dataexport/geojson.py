"""What the scene draws, as one GeoJSON FeatureCollection."""

from __future__ import annotations

import json
from typing import Any

import shapely

from ..layers import Atlas
from ..scene import FacilityLayer, RouteLayer, Scene
from .properties import facility_properties, route_properties
from .shared import EXPORT_NAME, credits_lines, encode, facilities, user_id, user_rows


def _feature(fid: str, props: dict[str, Any], geom: shapely.Geometry) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "properties": props,
            "geometry": shapely.geometry.mapping(geom)}


def to_geojson(atlas: Atlas, scene: Scene) -> bytes:
    """
    What the scene draws, as one GeoJSON FeatureCollection (RFC 7946, lon/lat WGS84).

    Route segments carry ``route_id, feature_id, name, short_name, name_tr, name_az,
    kind, status, status_since, status_source, disputed_by, segment, geometry_quality,
    geometry_source, licence, attribution, length_km`` (as drawn, 0.1 km) and
    ``documented_length_km`` (the catalog's sourced length, or null); ``status`` is the
    segment's status in the scene's year, ``status_since`` the date it began and
    ``status_source`` the milestone's source saying so (for an existing line, when and
    by whose account it was in use), ``disputed_by`` what another source says against
    it (or null).
    With flows on they also carry :data:`~.properties.FLOW_FIELDS`: the route's
    throughput that year in the family's unit, its source, the capacity in force, the
    utilisation, and in ``flow_note`` why a value is null. Facilities carry
    ``facility_id, name, kind, category, precision, attribution, licence``. The
    collection names the export, the credits (``attribution``, one line each),
    ``as_of``, ``year``, ``flows`` and the exported ``layers``.

    The user's own layers follow, their features keeping the file's properties, with
    ids ``user-1-1``, ``user-1-2``…; ``user_layers`` lists each one's id and name.

    Returns UTF-8 JSON bytes, keys sorted, features in drawing order.
    """
    features: list[dict[str, Any]] = []
    flows = scene.view.flows
    user_layers = [la.layer for la in scene.user_layers]
    for layer in scene.layers:
        if isinstance(layer, RouteLayer):
            features += [_feature(seg.feature_id, route_properties(layer, seg, flows=flows),
                                  seg.geometry) for seg in layer.segments]
        elif isinstance(layer, FacilityLayer):
            features += [_feature(fac.id, facility_properties(fac), point)
                         for fac, point in facilities(scene)]
    for index, user in enumerate(user_layers):
        features.extend(_feature(f"{user_id(index)}-{i}", props, geom)
                        for i, (props, geom) in enumerate(user_rows(user), start=1))
    catalog = atlas.catalog
    collection = {
        "type": "FeatureCollection",
        "name": EXPORT_NAME,
        "attribution": credits_lines(catalog),
        "as_of": catalog.as_of if catalog else None,
        "year": scene.view.year,
        "flows": flows,
        "layers": list(scene.layer_ids),
        "features": features,
    }
    if user_layers:
        collection["user_layers"] = [{"id": user_id(i), "name": layer.name,
                                      "note": "your own layer, not part of Corridor Atlas"}
                                     for i, layer in enumerate(user_layers)]
    text = json.dumps(collection, ensure_ascii=False, sort_keys=True, allow_nan=False,
                      separators=(",", ":"))
    return encode(text + "\n")
