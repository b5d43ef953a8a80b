"""Users' own map layers, read safely enough for a public server.

:func:`read_upload` takes the bytes of an uploaded file and its name and returns a
:class:`UserLayer` in EPSG:4326, or raises :class:`~corridor_atlas.errors.UploadError`
with one line naming the file and the problem. No other exception escapes for bad input.

Accepted: GeoJSON (``.geojson``, ``.json``), KML (``.kml``), GeoPackage (``.gpkg``) and a
zipped Shapefile (``.zip`` holding ``.shp``, ``.shx``, ``.dbf`` and, best, ``.prj``).

How the file is kept from doing harm:

* Sizes are capped before anything is parsed (:class:`Limits`): the upload itself, its
  features and vertices, and for a zip the number of members, their unpacked size and
  their compression ratio (zip bombs), checked from the zip headers and again while
  unpacking, byte by byte.
* GDAL reads only from a private temporary folder (mode 0700) under fixed file names;
  the user's names are never used as paths. A zip's members are all checked first
  (absolute paths, ``..``, symbolic links, encryption, duplicates) and only the
  Shapefile's own parts are unpacked.
* KML with ``<!DOCTYPE`` or ``<!ENTITY`` is refused before GDAL sees it (external
  entities, billion laughs); GeoJSON whose ``crs`` is a link is refused (GDAL would
  fetch it).
* Property values reach the map only through ``_tip``, pre-escaped HTML.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
import os
import re
import stat
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from .errors import AtlasError, UploadError
from .markup import esc

MB = 1024 * 1024
ENV_MAX_MB = "CORRIDOR_ATLAS_MAX_UPLOAD_MB"
DEFAULT_MAX_MB = 25
ACCEPTED = ("GeoJSON (.geojson, .json), KML (.kml), GeoPackage (.gpkg) "
            "or a zipped Shapefile (.zip)")
FORMATS = {".geojson": "geojson", ".json": "geojson", ".kml": "kml", ".gpkg": "gpkg",
           ".zip": "zip"}
FORMAT_NAMES = {"geojson": "GeoJSON", "kml": "KML", "gpkg": "a GeoPackage",
                "zip": "a zip archive", "xml": "XML", "utf16": "UTF-16 text"}
TIP_COLUMN = "_tip"
TIP_MAX_PROPERTIES = 8
TIP_MAX_KEY = 40
TIP_MAX_VALUE = 120
NAME_MAX = 60
LABEL_MAX = 80
# The corridor's extent (lon, lat): a file whose (x, y) all fall in the transposed box,
# and not all in the box itself, has its latitude and longitude swapped.
CORRIDOR_LON = (10.0, 52.0)
CORRIDOR_LAT = (33.0, 48.0)
# Members smaller than this are not ratio-checked: small files of blanks compress well.
RATIO_MIN_BYTES = 1 * MB
# Bad GeoJSON larger than this gets GDAL's message rather than a parse for a better one.
DIAGNOSE_MAX_BYTES = 8 * MB
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# Columns the LIBKML driver adds to every placemark; not the user's properties.
KML_BOILERPLATE = ("timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude",
                   "visibility", "drawOrder", "icon")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEMP_PATH = re.compile(r"\S*corridor-atlas-upload-[^/\s'\"]*/?")
_KML_ROOT = re.compile(rb"<(?:[\w.-]+:)?kml[\s>/]", re.IGNORECASE)
_XML_DECLS = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)
_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{')

T = TypeVar("T")


def _env_max_bytes() -> int:
    raw = os.environ.get(ENV_MAX_MB, "").strip()
    if not raw:
        return DEFAULT_MAX_MB * MB
    try:
        mb = float(raw)
    except ValueError:
        mb = math.nan
    if not math.isfinite(mb) or mb <= 0:
        raise AtlasError(f"{ENV_MAX_MB} must be a positive number of megabytes, "
                         f"got {raw[:40]!r}")
    return int(mb * MB)


@dataclass(frozen=True)
class Limits:
    """
    How much an upload may hold.

    ``max_bytes`` defaults to 25 MB, or to ``CORRIDOR_ATLAS_MAX_UPLOAD_MB`` megabytes
    when that is set (read when the ``Limits`` is made). ``max_ratio`` is the largest
    unpacked-to-packed size ratio of one zip member (members under 1 MB are exempt).
    """

    max_bytes: int = field(default_factory=_env_max_bytes)
    max_features: int = 20_000
    max_vertices: int = 500_000
    max_zip_members: int = 100
    max_unzipped_bytes: int = 200 * MB
    max_ratio: float = 100.0

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_features", "max_vertices", "max_zip_members",
                     "max_unzipped_bytes", "max_ratio"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise AtlasError(f"Limits.{name} must be a positive number, got {value!r}")


@dataclass(frozen=True, eq=False)
class UserLayer:
    """
    A user's layer, checked and in EPSG:4326.

    ``name`` is plain text from the file name: escape it before putting it in HTML.
    ``gdf`` holds the file's properties and ``_tip``, ready-escaped HTML for a tooltip.
    ``source_crs`` is the CRS the file declared (``"EPSG:3857"``…) or ``"none"``.
    ``bounds`` is (west, south, east, north) in degrees. ``digest`` identifies the
    upload (a hash of its name and bytes), so a view that includes it can be compared.
    """

    name: str
    gdf: gpd.GeoDataFrame
    source_crs: str
    geometry_types: tuple[str, ...]
    bounds: tuple[float, float, float, float]
    n_features: int
    n_vertices: int
    digest: str = ""

    def describe(self) -> str:
        """One line: features, geometry types, CRS and bounds."""
        if self.source_crs == "EPSG:4326":
            crs = "CRS EPSG:4326"
        elif self.source_crs == "none":
            crs = "CRS EPSG:4326 (none declared; coordinates are longitude/latitude)"
        else:
            crs = f"CRS EPSG:4326 (from {self.source_crs})"
        bounds = ",".join(f"{v:.4f}" for v in self.bounds)
        plural = "" if self.n_features == 1 else "s"
        return (f"{self.n_features:,} feature{plural}, geometry types "
                f"{'/'.join(self.geometry_types)}, {crs}, bounds {bounds}")


# --- names -------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())


def _basename(filename: str) -> str:
    return re.split(r"[/\\]", filename)[-1]


def file_label(filename: str) -> str:
    """The file as named in messages: control characters removed, at most 80 characters."""
    label = _clean(str(filename)) or "upload"
    return label if len(label) <= LABEL_MAX else "…" + label[-(LABEL_MAX - 1):]


def layer_name(filename: str) -> str:
    """The layer's name: the file name without folder or extension, at most 60 characters."""
    base = _basename(str(filename))
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    name = _clean(stem) or "upload"
    return name if len(name) <= NAME_MAX else name[:NAME_MAX - 1] + "…"


def _short(err: BaseException | str, limit: int = 160) -> str:
    """An error's message on one short line, without the private folder's path."""
    text = str(err) if not isinstance(err, str) else err
    text = text.split("; It might help to specify the correct driver")[0]
    text = text.rsplit(" failed: ", 1)[-1]  # SQLite: the query GDAL ran is noise
    text = "; ".join(dict.fromkeys(part.strip() for part in text.split(";")))
    text = _TEMP_PATH.sub("", text)
    text = re.sub(r"\bupload\.(?:geojson|kml|gpkg)\b", "the file", text)  # our own names
    text = re.sub(r"\blayer(\.(?:shp|shx|dbf|prj|cpg))\b", r"the \1", text)
    text = " ".join(text.split())
    if not text and isinstance(err, BaseException):
        text = type(err).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _q(text: object, limit: int = 40) -> str:
    """User text quoted for a message: one line, bounded."""
    s = str(text)
    return repr(s if len(s) <= limit else s[:limit - 1] + "…")


def _num(v: float) -> str:
    return f"{v:.1f}" if abs(v) >= 1000 else f"{v:g}"


class _Refusal(Exception):  # noqa: N818 (internal; never escapes)
    """A problem found deep inside; :func:`read_upload` prefixes the file's label."""


# --- entry points ------------------------------------------------------------------------


def read_upload(data: bytes, filename: str, *, limits: Limits | None = None) -> UserLayer:
    """
    Read a user's layer file.

    Parameters
    ----------
    data
        The file's bytes.
    filename
        Its name as the user gave it; only the extension, the stem (for the layer's
        name) and the label in messages come from it. It is never used as a path.
    limits
        Caps on size and content; ``Limits()`` (read when called) by default.

    Returns
    -------
    UserLayer
        Features in EPSG:4326 with a ``_tip`` column of escaped HTML.

    Raises
    ------
    UploadError
        One line, starting with the file's name, for anything wrong with the file.
    """
    label = file_label(filename)
    limits = limits if limits is not None else Limits()
    try:
        data = bytes(data)
        layer = _read(data, str(filename), limits)
    except _Refusal as err:
        raise UploadError(f"{label}: {err}") from None
    except UploadError:
        raise
    except Exception as err:  # a user gets one line about the file, never a traceback
        raise UploadError(f"{label}: cannot be read ({type(err).__name__}: "
                          f"{_short(err)})") from err
    digest = hashlib.sha256(str(filename).encode("utf-8", "replace") + b"\0" + data)
    return dataclasses.replace(layer, digest=digest.hexdigest()[:32])


def property_columns(gdf: gpd.GeoDataFrame) -> list[Any]:
    """The columns of a user's layer that hold the file's properties (not geometry or tip)."""
    return [c for c in gdf.columns if c not in (gdf.geometry.name, TIP_COLUMN)]


def attribute_table(layer: UserLayer) -> pd.DataFrame:
    """A user's layer as a table: one row per feature, its geometry type and properties."""
    gdf = layer.gdf
    columns = property_columns(gdf)
    frame = pd.DataFrame({"geometry type": gdf.geom_type.to_numpy()})
    for column in columns:
        name = str(column)
        while name in frame.columns:
            name += "_"
        frame[name] = gdf[column].to_numpy()
    return frame


def read_upload_file(path: str | os.PathLike[str], *, limits: Limits | None = None) -> UserLayer:
    """:func:`read_upload` for a file on disk (the ``validate`` command); errors name ``path``."""
    label = file_label(os.fspath(path))
    limits = limits if limits is not None else Limits()
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise UploadError(f"{label}: is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise UploadError(f"{label}: is not a regular file")
        if st.st_size > limits.max_bytes:
            raise UploadError(f"{label}: {_too_big(st.st_size, limits)}")
        with open(path, "rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise UploadError(f"{label}: file not found") from None
    except PermissionError:
        raise UploadError(f"{label}: cannot be read (permission denied)") from None
    except (OSError, ValueError) as err:  # ValueError: a NUL in the path
        text = err.strerror if isinstance(err, OSError) and err.strerror else err
        raise UploadError(f"{label}: cannot be read ({_short(text)})") from None
    return read_upload(data, os.fspath(path), limits=limits)


def _size(n: float) -> str:
    if n >= MB:
        return f"{n / MB:,.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:,.1f} kB".replace(".0 kB", " kB")
    return f"{n:,.0f} bytes"


def _too_big(n: int, limits: Limits) -> str:
    return f"the file is {_size(n)}; the limit is {_size(limits.max_bytes)}"


# --- sniffing ----------------------------------------------------------------------------


def sniff(data: bytes) -> str | None:
    """What the bytes look like: geojson, kml, xml, gpkg, zip, utf16 or ``None``."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    head = data[:65536].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith((b"{", b"[")):
        return "geojson"
    if head.startswith(b"<"):
        return "kml" if _KML_ROOT.search(head) else "xml"
    return None


def _check_format(data: bytes, filename: str) -> str:
    base = _basename(filename)
    ext = ("." + base.rsplit(".", 1)[1].lower()) if "." in base.lstrip(".") else ""
    kind = FORMATS.get(ext)
    seen = sniff(data)
    if kind is None:
        shown = repr(ext[:12]) if ext else "no extension"
        hint = ""
        if seen in FORMATS.values():
            hint = f" (it looks like {FORMAT_NAMES[seen]}: rename it)"
        raise _Refusal(f"not a recognised format ({shown}){hint}; upload {ACCEPTED}")
    if seen == "utf16" and kind in ("geojson", "kml"):
        raise _Refusal(f"is UTF-16 text; save the {FORMAT_NAMES[kind]} file as UTF-8")
    if seen != kind:
        what = {"geojson": "GeoJSON (it does not start with '{')",
                "kml": "KML (no <kml> element at the start)",
                "gpkg": "a GeoPackage (it does not start with the SQLite header)",
                "zip": "a zip archive (it does not start with the zip header)"}[kind]
        hint = f"; it looks like {FORMAT_NAMES[seen]}" if seen in FORMAT_NAMES else ""
        raise _Refusal(f"is named {ext} but is not {what}{hint}")
    return kind


def _check_kml(data: bytes) -> None:
    if b"\x00" in data:
        raise _Refusal("KML holds NUL bytes (UTF-16?); save it as UTF-8")
    if _XML_DECLS.search(data):
        raise _Refusal("KML with a <!DOCTYPE or <!ENTITY declaration is refused (XML entities "
                       "can read server files or expand without bound); remove it")


def _check_geojson_crs(data: bytes) -> None:
    """Refuse a ``crs`` given as a link: GDAL would fetch the URL."""
    for m in _CRS_MEMBER.finditer(data):
        obj = _small_object(data, m.end() - 1)
        if obj is None:
            continue
        kind = str(obj.get("type", "")).lower()
        props = obj.get("properties") if isinstance(obj.get("properties"), dict) else {}
        name = str(props.get("name", ""))
        if kind in ("link", "url") or "href" in props or "url" in props:
            raise _Refusal("declares its CRS by a link, which is not followed; name it "
                           "instead, e.g. \"urn:ogc:def:crs:EPSG::3857\", or save in EPSG:4326")
        if re.match(r"\s*(https?|ftp|file)://", name, re.I) and "opengis.net" not in name:
            raise _Refusal(f"declares its CRS as a web address ({_q(name)}), which is not "
                           "followed; name it instead, e.g. \"urn:ogc:def:crs:EPSG::3857\"")


def _small_object(data: bytes, start: int, limit: int = 4096) -> dict[str, Any] | None:
    """The JSON object starting at ``data[start]`` if it closes within ``limit`` bytes."""
    depth, in_str, escaped = 0, False, False
    for i in range(start, min(len(data), start + limit)):
        c = data[i]
        if in_str:
            if escaped:
                escaped = False
            elif c == 0x5C:
                escaped = True
            elif c == 0x22:
                in_str = False
        elif c == 0x22:
            in_str = True
        elif c == 0x7B:
            depth += 1
        elif c == 0x7D:
            depth -= 1
            if depth == 0:
                try:
                    obj = json.loads(data[start:i + 1].decode("utf-8", "replace"))
                except ValueError:
                    return None
                return obj if isinstance(obj, dict) else None
    return None


# --- zip ---------------------------------------------------------------------------------


def _unsafe_name(name: str) -> str | None:
    if "\x00" in name:
        return "a NUL byte in the name"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if ".." in re.split(r"[/\\]", name):
        return "a '..' component"
    return None


def _check_zip(zf: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise _Refusal(f"the zip holds {len(infos):,} members; the limit is "
                       f"{limits.max_zip_members:,}")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        why = _unsafe_name(name)
        if why:
            raise _Refusal(f"zip member {_q(name, 60)} has an unsafe path ({why}); refused")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _Refusal(f"zip member {_q(name, 60)} is a symbolic link; refused")
        if info.flag_bits & 0x1:
            raise _Refusal(f"zip member {_q(name, 60)} is encrypted; upload an unencrypted zip")
        key = name.replace("\\", "/").lower()
        if key in seen:
            raise _Refusal(f"zip member {_q(name, 60)} appears twice; refused")
        seen.add(key)
        if info.file_size > limits.max_unzipped_bytes:
            raise _Refusal(f"zip member {_q(name, 60)} unpacks to {_size(info.file_size)}; "
                           f"the limit is {_size(limits.max_unzipped_bytes)}")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > limits.max_ratio:
            raise _Refusal(f"zip member {_q(name, 60)} expands {ratio:,.0f}:1 "
                           f"({info.file_size:,} bytes from {info.compress_size:,}); the limit "
                           f"is {limits.max_ratio:g}:1, so this looks like a zip bomb")
        total += info.file_size
    if total > limits.max_unzipped_bytes:
        raise _Refusal(f"the zip unpacks to {_size(total)}; the limit is "
                       f"{_size(limits.max_unzipped_bytes)}")
    packed = sum(info.compress_size for info in infos)
    if total >= RATIO_MIN_BYTES and total / max(packed, 1) > limits.max_ratio:
        raise _Refusal(f"the zip expands {total / max(packed, 1):,.0f}:1 ({total:,} bytes from "
                       f"{packed:,}); the limit is {limits.max_ratio:g}:1, so this looks like a "
                       "zip bomb")
    return infos


def _shp_cap(limits: Limits) -> int:
    """The largest .shp the feature and vertex limits allow.

    100 bytes of header; per record at most 8 (record header) + 44 (type, box, counts)
    + 32 (Z and M ranges); per vertex at most 16 (x, y) + 16 (z, m) + 4 (a part index).
    """
    return 100 + 84 * limits.max_features + 36 * limits.max_vertices


def _find_shapefile(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    files = [i for i in infos if not i.is_dir()
             and not i.filename.replace("\\", "/").startswith("__MACOSX/")
             and not PurePosixPath(i.filename.replace("\\", "/")).name.startswith("._")]
    shps = [i for i in files if i.filename.lower().endswith(".shp")]
    if not shps:
        names = ", ".join(_q(PurePosixPath(i.filename.replace("\\", "/")).name, 30)
                          for i in files[:5]) or "nothing"
        more = f" and {len(files) - 5} more" if len(files) > 5 else ""
        raise _Refusal(f"no .shp inside the zip (it holds {names}{more}); a zip must hold one "
                       "Shapefile (.shp, .shx, .dbf, .prj)")
    if len(shps) > 1:
        names = ", ".join(_q(i.filename, 30) for i in shps[:5])
        raise _Refusal(f"the zip holds {len(shps)} Shapefiles ({names}); upload one per zip")
    stem = shps[0].filename[:-4].lower()
    parts = {}
    for info in files:
        lower = info.filename.lower()
        for ext in SHAPEFILE_PARTS:
            if lower == stem + ext:
                parts[ext] = info
    missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
    if missing:
        raise _Refusal(f"the Shapefile in the zip is missing {' and '.join(missing)}; zip the "
                       ".shp with its .shx, .dbf and .prj")
    return parts


def _extract(zf: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo], folder: Path,
             limits: Limits) -> Path:
    budget = limits.max_unzipped_bytes
    for ext, info in parts.items():
        out = folder / f"layer{ext}"
        written = 0
        with zf.open(info) as src, open(out, "xb") as dst:
            while chunk := src.read(64 * 1024):
                written += len(chunk)
                budget -= len(chunk)
                if written > info.file_size or budget < 0:
                    raise _Refusal(f"zip member {_q(info.filename, 60)} unpacks to more than it "
                                   "declares; refused as a possible zip bomb")
                dst.write(chunk)
    return folder / "layer.shp"


# --- reading with GDAL -------------------------------------------------------------------


def _gdal(call: Callable[[], T], what: str) -> T:
    """Run a pyogrio call quietly; turn any failure into a one-line refusal."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return call()
    except _Refusal:
        raise
    except UnicodeDecodeError as err:
        byte = err.object[err.start:err.start + 1].hex() if err.object else "?"
        raise _Refusal(f"text is not UTF-8 (byte 0x{byte} in a text value); save the file "
                       "as UTF-8") from None
    except MemoryError:
        raise _Refusal(f"{what} is too large to read") from None
    except Exception as err:
        raise _Refusal(f"cannot be read as {what} ({_short(err)})") from None


def _read_layers(path: str, kind: str, limits: Limits) -> gpd.GeoDataFrame:
    what = {"geojson": "GeoJSON", "kml": "KML", "gpkg": "a GeoPackage",
            "zip": "a Shapefile"}[kind]
    names: list[str | None] = [None]  # GeoJSON and Shapefiles hold one layer
    if kind in ("kml", "gpkg"):
        layers = _gdal(lambda: pyogrio.list_layers(path), what)
        names = [str(row[0]) for row in layers]
        if kind == "gpkg":
            names = [str(row[0]) for row in layers if row[1] is not None]
            if not names:
                raise _Refusal("the GeoPackage has no layer with geometry")
            if len(names) > 1:
                shown = ", ".join(_q(n, 30) for n in names[:5])
                raise _Refusal(f"the GeoPackage has {len(names)} map layers ({shown}); upload "
                               "a GeoPackage with one layer")
    frames = []
    total = 0
    for name in names:
        # at most one feature over the limit is read; the exact count is asked only then
        gdf = _gdal(lambda n=name: pyogrio.read_dataframe(
            path, layer=n, max_features=limits.max_features + 1), what)
        total += len(gdf)
        if total > limits.max_features:
            raise _Refusal(_too_many(path, names, limits))
        if len(gdf) == 0:
            continue
        if kind == "kml":
            gdf = gdf.drop(columns=[c for c in KML_BOILERPLATE if c in gdf.columns])
            if len(names) > 1:
                gdf.insert(0, "folder" if "folder" not in gdf.columns else "KML folder", name)
        frames.append(gdf)
    if not frames:
        raise _Refusal("has no features")
    if len(frames) == 1:
        return frames[0]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry",
                            crs=frames[0].crs)


def _too_many(path: str, names: list[str | None], limits: Limits) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            counts = [int(pyogrio.read_info(path, layer=n)["features"]) for n in names]
    except Exception:
        counts = [-1]
    if min(counts) < 0:
        return (f"has more than {limits.max_features:,} features; the limit is "
                f"{limits.max_features:,}")
    return f"has {sum(counts):,} features; the limit is {limits.max_features:,}"


def _read(data: bytes, filename: str, limits: Limits) -> UserLayer:
    if not data:
        raise _Refusal("the file is empty")
    if len(data) > limits.max_bytes:
        raise _Refusal(_too_big(len(data), limits))
    kind = _check_format(data, filename)
    if kind == "kml":
        _check_kml(data)
    elif kind == "geojson":
        _check_geojson_crs(data)
    with tempfile.TemporaryDirectory(prefix="corridor-atlas-upload-") as tmp:
        folder = Path(tmp)
        if kind == "zip":
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    parts = _find_shapefile(_check_zip(zf, limits))
                    if parts[".shp"].file_size > _shp_cap(limits):
                        raise _Refusal(
                            f"the .shp is {_size(parts['.shp'].file_size)}, more than "
                            f"{limits.max_features:,} features of {limits.max_vertices:,} "
                            f"vertices in all can fill (at most {_size(_shp_cap(limits))})")
                    path = str(_extract(zf, parts, folder, limits))
            except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError,
                    NotImplementedError, RuntimeError, OSError) as err:
                raise _Refusal(f"not a readable zip archive ({_short(err)})") from None
        else:
            file = folder / f"upload.{kind}"  # a fixed name: geojson, kml or gpkg
            file.write_bytes(data)
            path = f"GeoJSON:{file}" if kind == "geojson" else str(file)
        try:
            gdf = _read_layers(path, kind, limits)
        except _Refusal as err:
            better = (_diagnose_geojson(data) if kind == "geojson"
                      else _diagnose_kml(data) if kind == "kml" else None)
            if better:
                raise _Refusal(better) from None
            raise err from None
    if kind == "geojson" and (gdf.geometry.isna() | gdf.geometry.is_empty).any():
        better = _diagnose_geojson(data)
        if better:
            raise _Refusal(better)
    return _finish(gdf, filename, limits)


# --- diagnosis of files GDAL could not read -----------------------------------------------

_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)""")


def _diagnose_kml(data: bytes) -> str | None:
    """Non-UTF-8 KML that does not say so: the one failure worth a better message."""
    declared = _XML_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf")[:200])
    if declared and declared.group(1).decode().lower().replace("_", "-") not in ("utf-8",
                                                                                "utf8"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return (f"text is not UTF-8 (byte 0x{data[err.start]:02x} at byte {err.start:,}); save "
                "the file as UTF-8 or declare its encoding in the <?xml ?> line")
    return None


_COORD_DEPTH = {"Point": 1, "MultiPoint": 2, "LineString": 2, "MultiLineString": 3,
                "Polygon": 3, "MultiPolygon": 4}
_JSON_NAMES = {str: "string", int: "number", float: "number", list: "array", dict: "object",
               bool: "boolean", type(None): "null"}


def _json_type(value: object) -> str:
    return _JSON_NAMES.get(type(value), type(value).__name__)


def _nonfinite(feature: str) -> str:
    return f"{feature} has NaN or infinite coordinates; every coordinate must be a finite number"


def _diagnose_geojson(data: bytes) -> str | None:
    """The first structural problem of a GeoJSON file GDAL could not read fully, if any."""
    if len(data) > DIAGNOSE_MAX_BYTES:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return (f"text is not UTF-8 (byte 0x{data[err.start]:02x} at byte {err.start:,}); "
                "save the file as UTF-8")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        return f"not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
    except RecursionError:
        return "not valid GeoJSON: nested too deeply"
    if not isinstance(obj, dict):
        return f"not GeoJSON: expected a JSON object, got a JSON {_json_type(obj)}"
    gtype = obj.get("type")
    if gtype == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            return f"not GeoJSON: 'features' is a {_json_type(features)}, not an array"
    elif gtype == "Feature":
        features = [obj]
    elif gtype in _COORD_DEPTH or gtype == "GeometryCollection":
        features = [{"geometry": obj}]
    else:
        return f"not GeoJSON: 'type' is {_q(gtype)}; expected 'FeatureCollection'"
    for i, feature in enumerate(features):
        if not isinstance(feature, dict):
            return f"feature #{i} is a JSON {_json_type(feature)}, not a Feature object"
        problem = _geometry_problem(feature.get("geometry"), f"feature #{i}", 0)
        if problem:
            return problem
    return None


def _geometry_problem(geom: object, where: str, depth: int) -> str | None:
    if geom is None:
        return None
    if not isinstance(geom, dict):
        return (f"{where}: geometry is a {_json_type(geom)} ({_q(geom, 30)}), not a GeoJSON "
                "geometry object")
    gtype = geom.get("type")
    if gtype == "GeometryCollection":
        parts = geom.get("geometries")
        if not isinstance(parts, list):
            return f"{where}: a GeometryCollection needs a 'geometries' array"
        if depth > 8:
            return f"{where}: GeometryCollections nested too deeply"
        for part in parts:
            problem = _geometry_problem(part, where, depth + 1)
            if problem:
                return problem
        return None
    if gtype not in _COORD_DEPTH:
        return (f"{where}: unknown geometry type {_q(gtype)}; expected Point, LineString, "
                "Polygon or their Multi- forms")
    return _coordinates_problem(geom.get("coordinates"), _COORD_DEPTH[gtype], gtype, where)


def _coordinates_problem(coords: object, depth: int, gtype: str, where: str) -> str | None:
    if depth == 1:
        if not isinstance(coords, list) or len(coords) < 2:
            return f"{where}: a position must be an array of two or three numbers"
        for v in coords:
            if isinstance(v, bool) or not isinstance(v, int | float):
                return (f"{where}: coordinates must be numbers, got {_q(v, 20)} "
                        f"(a {_json_type(v)})")
            if not math.isfinite(v):
                return _nonfinite(where)
        return None
    if not isinstance(coords, list):
        return f"{where}: the coordinates of a {gtype} must be nested arrays of numbers"
    for item in coords:
        problem = _coordinates_problem(item, depth - 1, gtype, where)
        if problem:
            return problem
    return None


# --- checks and the result ---------------------------------------------------------------


def _flatten(geom: shapely.Geometry) -> list[shapely.Geometry]:
    if shapely.get_type_id(geom) == 7:  # GeometryCollection
        return [p for part in shapely.get_parts(geom) for p in _flatten(part)]
    return [geom]


def _is_wgs84(crs: CRS) -> bool:
    if crs.to_epsg() == 4326:
        return True
    try:
        return bool(crs.equals(CRS.from_epsg(4326), ignore_axis_order=True))
    except Exception:
        return False


def crs_label(crs: CRS | None) -> str:
    """A short name for a CRS: ``EPSG:3857``, another authority code, or its name."""
    if crs is None:
        return "none"
    epsg = crs.to_epsg()
    if epsg is not None:
        return f"EPSG:{epsg}"
    auth = crs.to_authority()
    if auth is not None:
        return f"{auth[0]}:{auth[1]}"
    name = _clean(crs.name or "custom CRS")
    return name if len(name) <= 60 else name[:59] + "…"


def _first_bad(mask: np.ndarray) -> int:
    return int(np.argmax(mask))


def _finish(gdf: gpd.GeoDataFrame, filename: str, limits: Limits) -> UserLayer:
    n_read = len(gdf)
    if n_read == 0:
        raise _Refusal("has no features")
    if n_read > limits.max_features:
        raise _Refusal(f"has more than {limits.max_features:,} features; the limit is "
                       f"{limits.max_features:,}")
    if TIP_COLUMN in gdf.columns:
        gdf = gdf.rename(columns={TIP_COLUMN: f"{TIP_COLUMN} (file)"})
    # the position of each row in the file, carried through drops and flattening
    pos = np.arange(n_read)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not keep.all():
        gdf, pos, geoms = gdf[keep].reset_index(drop=True), pos[keep], geoms[keep]
    if (shapely.get_type_id(geoms) == 7).any():  # GeometryCollections: one row per part
        rows, parts = [], []
        for i, geom in enumerate(geoms):
            for part in _flatten(geom):
                if not shapely.is_empty(part):
                    rows.append(i)
                    parts.append(part)
        gdf = gdf.iloc[rows].reset_index(drop=True)
        pos, geoms = pos[rows], np.asarray(parts, dtype=object)
    if len(geoms) == 0:
        raise _Refusal(f"none of its {n_read:,} feature{'s' if n_read != 1 else ''} has a "
                       "geometry")
    if len(geoms) > limits.max_features:
        raise _Refusal(f"has {len(geoms):,} features once geometry collections are split; the "
                       f"limit is {limits.max_features:,}")
    types = shapely.get_type_id(geoms)
    rings = types == 2
    if rings.any():  # a bare LinearRing is drawn as the line it is
        geoms[rings] = [shapely.LineString(g.coords) for g in geoms[rings]]
        types = shapely.get_type_id(geoms)
    odd = ~np.isin(types, [0, 1, 3, 4, 5, 6])
    if odd.any():
        k = _first_bad(odd)
        raise _Refusal(f"feature #{pos[k]} is a {geoms[k].geom_type}, which is not supported; "
                       "use points, lines or polygons")
    n_vertices = int(shapely.get_num_coordinates(geoms).sum())
    if n_vertices > limits.max_vertices:
        raise _Refusal(f"has {n_vertices:,} vertices; the limit is {limits.max_vertices:,}")
    geoms = shapely.force_2d(geoms)
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    finite = np.isfinite(coords).all(axis=1)
    if not finite.all():
        raise _Refusal(_nonfinite(f"feature #{pos[index[_first_bad(~finite)]]}"))
    x, y = coords[:, 0], coords[:, 1]
    lonlat = (np.abs(x) <= 180) & (np.abs(y) <= 90)
    crs = gdf.crs
    source = crs_label(crs)
    if crs is None:
        if not lonlat.all():
            k = _first_bad(~lonlat)
            raise _Refusal(f"no CRS and the coordinates are not longitude/latitude (e.g. "
                           f"x={_num(x[k])}, y={_num(y[k])}); save the file with its CRS (.prj) "
                           "or in EPSG:4326")
        geographic = True
    elif _is_wgs84(crs):
        if not lonlat.all():
            k = _first_bad(~lonlat)
            raise _Refusal(f"coordinates are outside longitude -180..180 / latitude -90..90 "
                           f"(e.g. x={_num(x[k])}, y={_num(y[k])}) though the file declares "
                           f"{source}; give the file its real CRS or reproject it")
        geographic = True
    else:
        geographic = False
        if crs.is_projected and lonlat.all():
            raise _Refusal(f"declares {source} ({_clean(crs.name)[:40]}, projected) but the "
                           f"coordinates look like longitude/latitude (e.g. x={_num(x[0])}, "
                           f"y={_num(y[0])}); fix the declared CRS")
    if geographic:
        lon_lo, lon_hi = CORRIDOR_LON
        lat_lo, lat_hi = CORRIDOR_LAT
        in_swapped = ((x >= lat_lo) & (x <= lat_hi) & (y >= lon_lo) & (y <= lon_hi)).all()
        in_corridor = ((y >= lat_lo) & (y <= lat_hi)).all()
        if in_swapped and not in_corridor:
            raise _Refusal(f"latitude and longitude look swapped: every x is within "
                           f"{lat_lo:g}–{lat_hi:g} and every y within {lon_lo:g}–{lon_hi:g}, "
                           "which read as (latitude, longitude) is the corridor; store "
                           "(longitude, latitude)")
    gdf = gdf.copy()
    gdf[gdf.geometry.name] = gpd.GeoSeries(geoms, index=gdf.index, crs=crs)
    if crs is None:
        gdf = gdf.set_crs(4326)
    elif not geographic or crs.to_epsg() != 4326:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gdf = gdf.to_crs(4326)
        except Exception as err:
            raise _Refusal(f"cannot be reprojected from {source} ({_short(err, 100)})") from None
        out = shapely.get_coordinates(np.asarray(gdf.geometry.values, dtype=object))
        ok = np.isfinite(out).all(axis=1) & (np.abs(out[:, 0]) <= 180) & (
            np.abs(out[:, 1]) <= 90)
        if not ok.all():
            k = _first_bad(~ok)
            raise _Refusal(f"coordinates fall outside longitude/latitude after reprojecting "
                           f"from {source} (e.g. x={_num(x[k])}, y={_num(y[k])}); check the "
                           "declared CRS")
    gdf = gdf.reset_index(drop=True)
    name = layer_name(filename)
    _plain_columns(gdf)
    gdf[TIP_COLUMN] = _tips(gdf, name)
    bounds = tuple(float(v) for v in gdf.total_bounds)
    return UserLayer(
        name=name, gdf=gdf, source_crs=source,
        geometry_types=tuple(sorted(set(gdf.geom_type))),
        bounds=bounds,  # type: ignore[arg-type]
        n_features=len(gdf), n_vertices=n_vertices)


def _plain_columns(gdf: gpd.GeoDataFrame) -> None:
    """Make property columns JSON-friendly: dates as ISO text, bytes and lists as text."""
    for col in list(gdf.columns):
        if col == gdf.geometry.name:
            continue
        series = gdf[col]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            gdf[col] = [None if pd.isna(v) else v.isoformat() for v in series]
        elif series.dtype == object:
            gdf[col] = [v if v is None or isinstance(v, str | int | float | bool)
                        else _text(v) for v in series]


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return isinstance(value, str) and not value.strip()


def _text(value: object) -> str:
    if isinstance(value, bytes | bytearray):
        return f"<{len(value):,} bytes>"
    if isinstance(value, float | np.floating):
        return f"{value:.10g}"
    if isinstance(value, np.ndarray):
        value = value.tolist()
    return str(value)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _tips(gdf: gpd.GeoDataFrame, name: str) -> list[str]:
    """Per feature, the layer's name and up to 8 properties, escaped for HTML."""
    columns = property_columns(gdf)
    head = f'<div class="atlas-tip"><b>{esc(name)}</b>'
    keys = [esc(_cut(str(c), TIP_MAX_KEY)) for c in columns]
    values = [gdf[c].tolist() for c in columns]
    tips = []
    for i in range(len(gdf)):
        parts = [head]
        for key, vals in zip(keys, values, strict=True):
            if len(parts) > TIP_MAX_PROPERTIES:
                break
            v = vals[i]
            if _missing(v):
                continue
            parts.append(f'<br><span class="muted">{key}:</span> '
                         f"{esc(_cut(_text(v), TIP_MAX_VALUE))}")
        parts.append("</div>")
        tips.append("".join(parts))
    return tips
