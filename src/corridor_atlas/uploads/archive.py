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
from functools import partial
from pathlib import Path, PurePosixPath

from ..i18n import N_, number
from ..i18n.languages import language
from ..i18n.message import Message
from .limits import MB, Limits, size
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
                raise Refusal(Message.gettext(
                    "the .shp is {size}, more than {features} features of {vertices} "
                    "vertices in all can fill (at most {cap})",
                    size=size(parts[".shp"].file_size), features=limits.max_features,
                    vertices=limits.max_vertices, cap=size(_shp_cap(limits))))
            return _extract(zf, parts, folder, limits)
    except _ZIP_ERRORS as err:
        # Translators: {reason} is Python's zip module's own words, in English
        raise Refusal(Message.gettext("not a readable zip archive ({reason})",
                                      reason=short(err))) from None


def _unsafe_name(name: str) -> Message | None:
    if "\x00" in name:
        return Message.gettext("a NUL byte in the name")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return Message.gettext("an absolute path")
    if ".." in re.split(r"[/\\]", name):
        return Message.gettext("a '..' component")
    return None


def _ratio(value: float) -> partial[str]:
    """A ratio as a message's value: ``1,000`` (of ``1,000:1``), in the reader's language."""
    return partial(_ratio_text, value)


def _ratio_text(value: float, lang: str) -> str:
    if language(lang).code == "en":
        return f"{value:,.0f}"
    return number(round(value), lang)


def _limit_ratio(value: float, lang: str) -> str:
    return f"{value:g}" if language(lang).code == "en" else number(value, lang)


BOMB = N_("the limit is {limit}:1, so this looks like a zip bomb")


def _check_zip(zf: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise Refusal(Message.gettext("the zip holds {n} members; the limit is {limit}",
                                      n=len(infos), limit=limits.max_zip_members))
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        why = _unsafe_name(name)
        if why:
            raise Refusal(Message.gettext("zip member {name} has an unsafe path ({why}); refused",
                                          name=quote(name, 60), why=why))
        if stat.S_ISLNK(info.external_attr >> 16):
            raise Refusal(Message.gettext("zip member {name} is a symbolic link; refused",
                                          name=quote(name, 60)))
        if info.flag_bits & 0x1:
            raise Refusal(Message.gettext(
                "zip member {name} is encrypted; upload an unencrypted zip",
                name=quote(name, 60)))
        key = name.replace("\\", "/").lower()
        if key in seen:
            raise Refusal(Message.gettext("zip member {name} appears twice; refused",
                                          name=quote(name, 60)))
        seen.add(key)
        if info.file_size > limits.max_unzipped_bytes:
            raise Refusal(Message.gettext(
                "zip member {name} unpacks to {size}; the limit is {limit}",
                name=quote(name, 60), size=size(info.file_size),
                limit=size(limits.max_unzipped_bytes)))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > limits.max_ratio:
            raise Refusal(Message.gettext(
                "zip member {name} expands {ratio}:1 ({size} bytes from {packed}); {bomb}",
                name=quote(name, 60), ratio=_ratio(ratio), size=info.file_size,
                packed=info.compress_size, bomb=_bomb(limits)))
        total += info.file_size
    if total > limits.max_unzipped_bytes:
        raise Refusal(Message.gettext("the zip unpacks to {size}; the limit is {limit}",
                                      size=size(total), limit=size(limits.max_unzipped_bytes)))
    packed = sum(info.compress_size for info in infos)
    if total >= RATIO_MIN_BYTES and total / max(packed, 1) > limits.max_ratio:
        raise Refusal(Message.gettext(
            "the zip expands {ratio}:1 ({size} bytes from {packed}); {bomb}",
            ratio=_ratio(total / max(packed, 1)), size=total, packed=packed,
            bomb=_bomb(limits)))
    return infos


def _bomb(limits: Limits) -> Message:
    return Message.gettext(BOMB, limit=partial(_limit_ratio, limits.max_ratio))


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
                          for i in files[:5])
        held: Message | str = names or Message.gettext("nothing")
        if len(files) > 5:
            held = Message.gettext("{names} and {n} more", names=names, n=len(files) - 5)
        raise Refusal(Message.gettext(
            "no .shp inside the zip (it holds {held}); a zip must hold one Shapefile (.shp, "
            ".shx, .dbf, .prj)", held=held))
    if len(shps) > 1:
        names = ", ".join(quote(i.filename, 30) for i in shps[:5])
        raise Refusal(Message.gettext("the zip holds {n} Shapefiles ({names}); upload one per zip",
                                      n=len(shps), names=names))
    stem = shps[0].filename[:-4].lower()
    parts = {}
    for info in files:
        lower = info.filename.lower()
        for ext in SHAPEFILE_PARTS:
            if lower == stem + ext:
                parts[ext] = info
    missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
    if missing:
        parts_missing: Message | str = missing[0]
        if len(missing) == 2:
            parts_missing = Message.gettext("{first} and {second}", first=missing[0],
                                            second=missing[1])
        raise Refusal(Message.gettext(
            "the Shapefile in the zip is missing {parts}; zip the .shp with its .shx, .dbf "
            "and .prj", parts=parts_missing))
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
                    raise Refusal(Message.gettext(
                        "zip member {name} unpacks to more than it declares; refused as a "
                        "possible zip bomb", name=quote(info.filename, 60)))
                dst.write(chunk)
    return folder / "layer.shp"
