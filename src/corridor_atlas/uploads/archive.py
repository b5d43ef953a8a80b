"""A zipped Shapefile, unpacked safely.

Every member is checked from the zip's headers before anything is unpacked: absolute
paths, ``..``, symbolic links, encryption, duplicates, the number of members, their
unpacked size and their compression ratio (zip bombs). Only the Shapefile's own parts are
unpacked, under fixed names, and their sizes are checked again byte by byte.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

from .limits import MB, Limits, size_text
from .messages import Refusal, quote, short

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# Members smaller than this are not ratio-checked: small files of blanks compress well.
RATIO_MIN_BYTES = 1 * MB
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError,
               NotImplementedError, RuntimeError, OSError)


def unpack_shapefile(data: bytes, folder: Path, limits: Limits) -> Path:
    """Unpack the one Shapefile of a zip into ``folder`` as ``layer.*``; its ``.shp`` path."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = _find_shapefile(_check_zip(zf, limits))
            if parts[".shp"].file_size > _shp_cap(limits):
                raise Refusal(
                    f"the .shp is {size_text(parts['.shp'].file_size)}, more than "
                    f"{limits.max_features:,} features of {limits.max_vertices:,} "
                    f"vertices in all can fill (at most {size_text(_shp_cap(limits))})")
            return _extract(zf, parts, folder, limits)
    except _ZIP_ERRORS as err:
        raise Refusal(f"not a readable zip archive ({short(err)})") from None


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
        raise Refusal(f"the zip holds {len(infos):,} members; the limit is "
                      f"{limits.max_zip_members:,}")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        why = _unsafe_name(name)
        if why:
            raise Refusal(f"zip member {quote(name, 60)} has an unsafe path ({why}); refused")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise Refusal(f"zip member {quote(name, 60)} is a symbolic link; refused")
        if info.flag_bits & 0x1:
            raise Refusal(f"zip member {quote(name, 60)} is encrypted; upload an unencrypted "
                          "zip")
        key = name.replace("\\", "/").lower()
        if key in seen:
            raise Refusal(f"zip member {quote(name, 60)} appears twice; refused")
        seen.add(key)
        if info.file_size > limits.max_unzipped_bytes:
            raise Refusal(f"zip member {quote(name, 60)} unpacks to {size_text(info.file_size)}; "
                          f"the limit is {size_text(limits.max_unzipped_bytes)}")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > limits.max_ratio:
            raise Refusal(f"zip member {quote(name, 60)} expands {ratio:,.0f}:1 "
                          f"({info.file_size:,} bytes from {info.compress_size:,}); the limit "
                          f"is {limits.max_ratio:g}:1, so this looks like a zip bomb")
        total += info.file_size
    if total > limits.max_unzipped_bytes:
        raise Refusal(f"the zip unpacks to {size_text(total)}; the limit is "
                      f"{size_text(limits.max_unzipped_bytes)}")
    packed = sum(info.compress_size for info in infos)
    if total >= RATIO_MIN_BYTES and total / max(packed, 1) > limits.max_ratio:
        raise Refusal(f"the zip expands {total / max(packed, 1):,.0f}:1 ({total:,} bytes from "
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
        names = ", ".join(quote(PurePosixPath(i.filename.replace("\\", "/")).name, 30)
                          for i in files[:5]) or "nothing"
        more = f" and {len(files) - 5} more" if len(files) > 5 else ""
        raise Refusal(f"no .shp inside the zip (it holds {names}{more}); a zip must hold one "
                      "Shapefile (.shp, .shx, .dbf, .prj)")
    if len(shps) > 1:
        names = ", ".join(quote(i.filename, 30) for i in shps[:5])
        raise Refusal(f"the zip holds {len(shps)} Shapefiles ({names}); upload one per zip")
    stem = shps[0].filename[:-4].lower()
    parts = {}
    for info in files:
        lower = info.filename.lower()
        for ext in SHAPEFILE_PARTS:
            if lower == stem + ext:
                parts[ext] = info
    missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
    if missing:
        raise Refusal(f"the Shapefile in the zip is missing {' and '.join(missing)}; zip the "
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
                    raise Refusal(f"zip member {quote(info.filename, 60)} unpacks to more than "
                                  "it declares; refused as a possible zip bomb")
                dst.write(chunk)
    return folder / "layer.shp"
