"""Command line: ``corridor-atlas export …`` and ``corridor-atlas validate FILE``.

Bad arguments exit with status 2 and one line on stderr; nothing is written unless
the whole export succeeds. ``validate`` checks a map layer file exactly as the app's
upload does and prints one line about it.

``export --lang tr|az`` writes the export in Turkish or Azerbaijani (its title, legend,
credits, names, CSV headings, KML folders) and says what it wrote in that language;
the options and their help stay in English, as the command's own names are.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import i18n
from .errors import AtlasError, ExportError
from .exports import FORMATS, check_writable, export, write_atomic
from .layers import load_atlas
from .settings import DEFAULT_MAX_UPLOAD_MB, GEO_DIR_ENV, MAX_UPLOAD_MB_ENV, geo_dir, vendor_dir
from .uploads import read_upload_file
from .view import (
    PRESETS,
    MapView,
    default_year,
    english,
    parse_bbox,
    parse_layers,
    parse_scale,
    parse_size,
    parse_year,
)

PROG = "corridor-atlas"
LANGS = (*i18n.LANGUAGES, i18n.PSEUDO)
"""What ``--lang`` takes: the atlas's languages, and the pseudo-locale (for tests; not
listed in the help)."""
RENDERER_WORDS = {"browser": i18n.N_("browser render"), "print": i18n.N_("print render"),
                  "data": i18n.N_("data"), "html": i18n.N_("standalone HTML")}
"""How an export was made, as the line after it says it."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Corridor Atlas: map snapshots and data exports.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    exp = sub.add_parser(
        "export", help="export the map or its data",
        description="Export a view of the map (png, pdf, html, svg) or its data "
                    "(geojson, csv, kml). Defaults: the app's default layers, the whole "
                    "corridor, the latest year.")
    exp.add_argument("--format", required=True, choices=FORMATS,
                     metavar="{" + ",".join(FORMATS) + "}")
    exp.add_argument("--layers", help="comma-separated layer ids, e.g. btc,tap,facilities")
    exp.add_argument("--year", help="as-of year (within the data's years)")
    exp.add_argument("--route", help="the selected route id (highlighted, named in the title)")
    exp.add_argument("--bbox", help="extent W,S,E,N in degrees, or a preset: "
                                    + ", ".join(PRESETS))
    exp.add_argument("--flows", action="store_true",
                     help="draw each route's width by its throughput in the year")
    exp.add_argument("--size", default="slide", help="slide, a4 or WIDTHxHEIGHT pixels")
    exp.add_argument("--scale", default="1", help="1 or 2")
    exp.add_argument("--paper", default="a4", choices=("a4", "letter"), help="PDF page size")
    exp.add_argument("--static", action="store_true",
                     help="render png/pdf without a browser (the print render)")
    exp.add_argument("--add-layer", action="append", default=[], metavar="FILE",
                     help="draw your own layer on top (GeoJSON, KML, GeoPackage or zipped "
                          "Shapefile, checked as the app's upload); repeat for several")
    exp.add_argument("--geo-dir", type=Path,
                     help=f"data folder (default: ${GEO_DIR_ENV}, else the bundled data)")
    exp.add_argument("--lang", default="en", metavar="{" + ",".join(i18n.LANGUAGES) + "}",
                     help="the language of the export's texts and of what this command "
                          "says: en (default), tr (Turkish), az (Azerbaijani)")
    exp.add_argument("--out", required=True, type=Path, help="file to write")
    val = sub.add_parser(
        "validate", help="check a map layer file as the app's upload does",
        description="Read a GeoJSON, KML, GeoPackage or zipped Shapefile the way the app "
                    "reads an upload, and print its features, geometry types, CRS and bounds, "
                    "or the one problem that stops it (exit status 2). The size limit is "
                    f"{MAX_UPLOAD_MB_ENV} megabytes (default {DEFAULT_MAX_UPLOAD_MB}).")
    val.add_argument("file", metavar="FILE", help="the file to check")
    val.add_argument("--lang", default="en", metavar="{" + ",".join(i18n.LANGUAGES) + "}",
                     help="the language of what this command says: en (default), tr "
                          "(Turkish), az (Azerbaijani)")
    return parser


def run_validate(args: argparse.Namespace) -> str:
    """Read the file as an upload; return the line to print."""
    lang = parse_lang(args.lang)
    layer = read_upload_file(args.file)
    return f"{args.file}: {layer.describe(lang)}"


def parse_lang(text: str) -> str:
    """A ``--lang`` value: ``en``, ``tr`` or ``az`` (or the pseudo-locale); else one line."""
    lang = text.strip().lower()
    if lang not in LANGS:
        raise ExportError(f"language must be one of {', '.join(i18n.LANGUAGES)}, "
                          f"got {text[:20]!r}")
    return lang


def run_export(args: argparse.Namespace) -> str:
    """Do the export the arguments ask for; return the line to print (in ``--lang``)."""
    lang = parse_lang(args.lang)
    check_writable(args.out)
    atlas = load_atlas(geo_dir(args.geo_dir))
    if atlas.catalog is None:
        raise ExportError("; ".join(str(p) for p in atlas.problems[:3]))
    catalog = atlas.catalog
    known = atlas.layer_ids()
    layers = parse_layers(args.layers, known) if args.layers is not None else tuple(
        atlas.default_layers())
    year = parse_year(args.year, catalog) if args.year is not None else default_year(catalog)
    if args.route is not None and args.route not in atlas.routes:
        raise ExportError(f"unknown route {args.route[:40]!r}; choose from: "
                          + ", ".join(atlas.routes))
    bbox = parse_bbox(args.bbox) if args.bbox is not None else None
    size = parse_size(args.size)
    scale = parse_scale(args.scale)
    view = MapView(layers=layers, selected=args.route, year=year, bbox=bbox, flows=args.flows,
                   lang=lang)  # type: ignore[arg-type]
    own = [read_upload_file(path) for path in args.add_layer]
    result = export(atlas, view, args.format, vendor_dir=vendor_dir(), size=size,
                    scale=scale, static=args.static, paper=args.paper, user_layers=own)
    write_atomic(args.out, result.data)
    tr = i18n.translator(lang)
    size = f"{len(result.data):,}" if english(lang) else i18n.number(len(result.data), lang)
    line = tr.gettext("wrote {path} ({size} bytes, {format}, {how})").format(
        path=args.out, size=size, format=args.format,
        how=tr.gettext(RENDERER_WORDS[result.renderer]))
    if result.note:
        line += "\n" + tr.gettext("note: {note}").format(note=result.note)
    return line


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``corridor-atlas`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            print(run_export(args))
        elif args.command == "validate":
            print(run_validate(args))
    except AtlasError as err:  # in --lang when it names a language, else in English
        lang = str(getattr(args, "lang", "en")).strip().lower()
        text = err.text(lang if lang in LANGS else "en")
        print(f"{PROG}: error: {text.splitlines()[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # a user gets one line, never a traceback
        first = str(err).splitlines()[0] if str(err) else ""
        print(f"{PROG}: error: {type(err).__name__}: {first}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
