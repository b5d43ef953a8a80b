"""Text in a PNG file: a ``Title`` (and ``Software``) chunk, added without re-encoding.

A PNG is a signature and a list of chunks (length, type, data, CRC-32). The text goes
in ``iTXt`` chunks (UTF-8, so "Türkiye" and "—" survive) right after the header chunk,
which file browsers, image viewers and ``exiftool`` read as the picture's title.
"""

from __future__ import annotations

import struct
import zlib

from .errors import ExportError

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HEADER_END = len(SIGNATURE) + 8 + 13 + 4  # IHDR: length, type, 13 bytes of data, CRC


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def itxt(keyword: str, text: str) -> bytes:
    """An uncompressed ``iTXt`` chunk: keyword (Latin-1), no language, UTF-8 text."""
    key = keyword.encode("latin-1")
    if not 1 <= len(key) <= 79:
        raise ExportError(f"a PNG text keyword has 1–79 characters, got {keyword[:20]!r}")
    # keyword, NUL, not compressed, method 0, no language tag NUL, no translation NUL
    return _chunk(b"iTXt", key + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00"
                  + text.encode("utf-8"))


def with_text(png: bytes, entries: dict[str, str]) -> bytes:
    """``png`` with an ``iTXt`` chunk per entry (``{"Title": …}``), after its header."""
    if not png.startswith(SIGNATURE) or png[len(SIGNATURE) + 4:len(SIGNATURE) + 8] != b"IHDR":
        raise ExportError("not a PNG image")
    chunks = b"".join(itxt(key, value) for key, value in entries.items())
    return png[:_HEADER_END] + chunks + png[_HEADER_END:]
