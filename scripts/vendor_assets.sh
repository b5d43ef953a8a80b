#!/usr/bin/env bash
# Refresh static/vendor/ with the Leaflet front-end files the map needs.
#
# Every file comes from the npm registry through `npm pack` (no node_modules,
# no install scripts). Only the files the map references are kept: the JS and
# CSS that folium links to, the images that CSS (or Leaflet's default marker
# icon) points at, and each package's LICENSE.
#
# Usage: make vendor   (or: bash scripts/vendor_assets.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor"

# package@version, then the files to copy (paths inside the package tarball).
LEAFLET="leaflet@1.9.3"
LEAFLET_FILES=(
    LICENSE
    dist/leaflet.js
    dist/leaflet.css
    dist/images/layers.png
    dist/images/layers-2x.png
    dist/images/marker-icon.png
    dist/images/marker-icon-2x.png
    dist/images/marker-shadow.png
)

FULLSCREEN="leaflet.fullscreen@3.0.0"
FULLSCREEN_FILES=(
    LICENSE
    Control.FullScreen.js
    Control.FullScreen.css
    icon-fullscreen.svg
)

MEASURE="leaflet-measure@2.1.7"
MEASURE_FILES=(
    LICENSE
    dist/leaflet-measure.min.js
    dist/leaflet-measure.css
)
for icon in rulers start cancel check focus trash; do
    MEASURE_FILES+=("dist/images/${icon}.png" "dist/images/${icon}_@2X.png")
done

# folium.plugins.DualMap links Leaflet.Sync from GitHub without a version (the
# latest release); 0.2.4 is that release, and the newest on npm.
SYNC="leaflet.sync@0.2.4"
SYNC_FILES=(
    LICENSE
    L.Map.Sync.js
)

# The basemap is embedded and fetched as TopoJSON (shared borders stored once);
# topojson-client turns it back into GeoJSON for Leaflet.
TOPOJSON="topojson-client@3.1.0"
TOPOJSON_FILES=(
    LICENSE
    dist/topojson-client.min.js
)

# The label engine finds overlapping names through an R-tree.
RBUSH="rbush@4.0.1"
RBUSH_FILES=(
    LICENSE
    rbush.min.js
)

# Arrowheads along the flow lines.
DECORATOR="leaflet-polylinedecorator@1.6.0"
DECORATOR_FILES=(
    LICENSE
    dist/leaflet.polylineDecorator.js
)

command -v npm >/dev/null || { echo "error: npm is required (apt-get install npm)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "Fetching $LEAFLET $FULLSCREEN $MEASURE $SYNC $TOPOJSON $RBUSH $DECORATOR from the npm registry"
(cd "$WORK" && npm pack --silent "$LEAFLET" "$FULLSCREEN" "$MEASURE" "$SYNC" "$TOPOJSON" \
    "$RBUSH" "$DECORATOR" >/dev/null)

STAGE="$WORK/vendor"
mkdir -p "$STAGE"

# tarball_of NAME@VERSION -> path of the tarball `npm pack` wrote (unscoped names only).
tarball_of() {
    local spec="$1"
    echo "$WORK/${spec%@*}-${spec##*@}.tgz"
}

# copy_package NAME@VERSION FILE... : unpack the tarball and copy FILEs into the stage.
copy_package() {
    local spec="$1"
    shift
    local tgz unpacked
    tgz="$(tarball_of "$spec")"
    [[ -f "$tgz" ]] || { echo "error: npm pack did not produce $tgz" >&2; exit 1; }
    unpacked="$WORK/unpacked/$spec"
    mkdir -p "$unpacked"
    tar --warning=no-unknown-keyword -xzf "$tgz" -C "$unpacked"
    local f
    for f in "$@"; do
        if [[ ! -f "$unpacked/package/$f" ]]; then
            echo "error: $spec has no file $f" >&2
            exit 1
        fi
        mkdir -p "$STAGE/$spec/$(dirname "$f")"
        cp "$unpacked/package/$f" "$STAGE/$spec/$f"
    done
    echo "  $spec: $# files (tarball sha256 $(sha256sum "$tgz" | cut -d' ' -f1))"
}

copy_package "$LEAFLET" "${LEAFLET_FILES[@]}"
copy_package "$FULLSCREEN" "${FULLSCREEN_FILES[@]}"
copy_package "$MEASURE" "${MEASURE_FILES[@]}"
copy_package "$SYNC" "${SYNC_FILES[@]}"
copy_package "$TOPOJSON" "${TOPOJSON_FILES[@]}"
copy_package "$RBUSH" "${RBUSH_FILES[@]}"
copy_package "$DECORATOR" "${DECORATOR_FILES[@]}"

# Every url(...) in the vendored CSS must point at a vendored file.
missing=0
while IFS= read -r css; do
    dir="$(dirname "$css")"
    while IFS= read -r ref; do
        ref="${ref#url(}"
        ref="${ref%)}"
        ref="${ref//\"/}"
        ref="${ref//\'/}"
        case "$ref" in
            "#"* | data:*) continue ;;
        esac
        ref="${ref%%[?#]*}"
        if [[ ! -f "$dir/$ref" ]]; then
            echo "error: $css refers to missing $ref" >&2
            missing=1
        fi
    done < <(grep -o 'url([^)]*)' "$css" || true)
done < <(find "$STAGE" -name '*.css')
[[ "$missing" == 0 ]] || exit 1

# The live map's scripts in one file (corridor_atlas.assets.MAP_BUNDLE): streamlit-folium
# loads a map's scripts one after another, so one file is one round trip instead of seven.
# Needs the project's Python (`make vendor` passes it as PYTHON).
PYTHONPATH="$ROOT/src" "${PYTHON:-python3}" -c \
    'import sys; from corridor_atlas.assets import write_map_bundle; write_map_bundle(sys.argv[1])' \
    "$STAGE"

cat >"$STAGE/README.md" <<EOF
# Vendored front-end assets

The map never loads JavaScript, CSS or images from a CDN. folium 0.20.0 links
its Leaflet assets to CDN URLs; \`corridor_atlas.assets.localize\` rewrites
them to the files in this folder (\`CDN_MAP\` lists every URL and the file it
becomes). The app serves them from \`/app/static/vendor/\` (Streamlit static
file serving), or inlines them as \`data:\` URIs.

Do not edit these files by hand: they are copied verbatim from the npm
registry tarballs by \`scripts/vendor_assets.sh\`.

| package | version | licence | files |
| --- | --- | --- | --- |
| [leaflet](https://www.npmjs.com/package/leaflet) | ${LEAFLET##*@} | BSD-2-Clause (\`$LEAFLET/LICENSE\`) | \`dist/leaflet.js\`, \`dist/leaflet.css\`, \`dist/images/*.png\` (layer control and default marker icon) |
| [leaflet.fullscreen](https://www.npmjs.com/package/leaflet.fullscreen) | ${FULLSCREEN##*@} | MIT (\`$FULLSCREEN/LICENSE\`) | \`Control.FullScreen.js\`, \`Control.FullScreen.css\`, \`icon-fullscreen.svg\` |
| [leaflet-measure](https://www.npmjs.com/package/leaflet-measure) | ${MEASURE##*@} | MIT (\`$MEASURE/LICENSE\`) | \`dist/leaflet-measure.min.js\`, \`dist/leaflet-measure.css\`, \`dist/images/*.png\` (control icons) |
| [leaflet.sync](https://www.npmjs.com/package/leaflet.sync) | ${SYNC##*@} | BSD-3-Clause (\`$SYNC/LICENSE\`) | \`L.Map.Sync.js\` (the two synchronised maps of \`folium.plugins.DualMap\`) |
| [topojson-client](https://www.npmjs.com/package/topojson-client) | ${TOPOJSON##*@} | ISC (\`$TOPOJSON/LICENSE\`) | \`dist/topojson-client.min.js\` (turns the TopoJSON basemap into GeoJSON for Leaflet) |
| [rbush](https://www.npmjs.com/package/rbush) | ${RBUSH##*@} | MIT (\`$RBUSH/LICENSE\`) | \`rbush.min.js\` (the R-tree the label engine finds overlapping names with) |
| [leaflet-polylinedecorator](https://www.npmjs.com/package/leaflet-polylinedecorator) | ${DECORATOR##*@} | MIT (\`$DECORATOR/LICENSE\`) | \`dist/leaflet.polylineDecorator.js\` (arrowheads along the flow lines) |

\`atlas-map.js\` is not a package: it holds, in this order, \`leaflet.js\`,
\`topojson-client.min.js\`, \`rbush.min.js\`, \`leaflet.polylineDecorator.js\`,
\`Control.FullScreen.js\` and \`leaflet-measure.min.js\` as vendored here (each under
its package's licence), so the live map loads its scripts in one request
(\`corridor_atlas.assets.MAP_BUNDLE\`). The script writes it from the files above.

folium links \`Control.FullScreen.min.js\`, \`leaflet-measure.min.css\` and
\`L.Map.Sync.min.js\`, which the packages do not ship (the CDN minifies them on
the fly); they map to the unminified \`Control.FullScreen.js\`,
\`leaflet-measure.css\` and \`L.Map.Sync.js\`. DualMap's Leaflet.Sync URL
names no version (\`cdn.jsdelivr.net/gh/jieter/Leaflet.Sync/\`, the latest
GitHub release); it maps to leaflet.sync ${SYNC##*@}, the latest release on npm.

Not vendored on purpose: jQuery, Bootstrap (JS and CSS), Leaflet.awesome-markers,
Font Awesome, the Bootstrap 3 glyphicons CSS and folium's
\`leaflet.awesome.rotate\` CSS. folium links them on every map, but only
\`folium.Icon\` markers use them, and this project does not; \`localize\`
drops those links.

## Refresh

    make vendor

This runs \`scripts/vendor_assets.sh\`, which needs \`npm\` and access to the
npm registry. It replaces this whole folder. To change a version, edit the
script, run it, and update \`CDN_MAP\` in \`src/corridor_atlas/assets.py\` to
match the URLs the new folium version emits.
EOF

rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
mv "$STAGE" "$DEST"

echo "Wrote $(find "$DEST" -type f | wc -l) files ($(du -sb "$DEST" | cut -f1) bytes) to ${DEST#"$ROOT"/}"
