"""Users' own map layers, read safely enough for a public server.

:func:`read_upload` takes the bytes of an uploaded file and its name and returns a
:class:`UserLayer` in EPSG:4326, or raises :class:`~corridor_atlas.errors.UploadError`
with one line naming the file and the problem. No other exception escapes for bad input.

Accepted: GeoJSON (``.geojson``, ``.json``), KML (``.kml``), GeoPackage (``.gpkg``) and a
zipped Shapefile (``.zip`` holding ``.shp``, ``.shx``, ``.dbf`` and, best, ``.prj``).

A file passes through small steps, each a module of its own:

* :mod:`.limits`: sizes are capped before anything is parsed: the upload itself, its
  features and vertices, and for a zip its members, their unpacked size and ratio.
* :mod:`.sniff`: the name's extension and the first bytes must agree; KML with
  ``<!DOCTYPE`` or ``<!ENTITY`` and GeoJSON whose ``crs`` is a link never reach GDAL.
* :mod:`.archive`: a zip's members are all checked from its headers (paths, links,
  encryption, duplicates, zip bombs) and only the Shapefile's own parts are unpacked.
* :mod:`.read`: GDAL reads only from a private temporary folder (mode 0700) under fixed
  file names; the user's names are never used as paths.
* :mod:`.diagnose`: when GDAL cannot read a file, the first problem in it, located.
* :mod:`.normalise`: drawable 2-D geometry in EPSG:4326 with JSON-ready properties.

:class:`Shelf` keeps a browser session's files: each read once, the same content drawn
once, at most :data:`MAX_LAYERS` layers, and a note naming the file for each.

The result is plain data: the file's properties are kept as they were, so whatever
shows them escapes them (the map builds its tooltips as it does for routes).
"""

from __future__ import annotations

import hashlib
import os
import stat

from ..errors import UploadError
from ..i18n.message import Message
from .diagnose import diagnose
from .layer import UserLayer, attribute_table, property_columns
from .limits import Limits, too_big
from .messages import Refusal, file_label, layer_name, named, short
from .normalise import crs_label, normalise
from .read import read_frame
from .shelf import MAX_LAYERS, Note, Shelf, Shelved, Upload, content_digest
from .sniff import ACCEPTED, check_format, check_text, sniff

__all__ = ["ACCEPTED", "MAX_LAYERS", "Limits", "Note", "Shelf", "Shelved", "Upload",
           "UserLayer", "attribute_table", "content_digest", "crs_label", "file_label",
           "layer_name", "property_columns", "read_upload", "read_upload_file", "sniff"]


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
        Features in EPSG:4326 with the file's properties.

    Raises
    ------
    UploadError
        One line, starting with the file's name, for anything wrong with the file.
    """
    label = file_label(filename)
    limits = limits if limits is not None else Limits()
    try:
        data = bytes(data)
        return _read(data, str(filename), limits)
    except Refusal as err:
        raise UploadError(named(label, err.message)) from None
    except UploadError:
        raise
    except Exception as err:  # a user gets one line about the file, never a traceback
        reason = f"{type(err).__name__}: {short(err)}"
        # Translators: {reason} is the library's own words, in English
        raise UploadError(named(label, Message.gettext("cannot be read ({reason})",
                                                       reason=reason))) from err


def read_upload_file(path: str | os.PathLike[str], *, limits: Limits | None = None) -> UserLayer:
    """:func:`read_upload` for a file on disk (the ``validate`` command); errors name ``path``."""
    label = file_label(os.fspath(path))
    limits = limits if limits is not None else Limits()
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise UploadError(named(label, Message.gettext("is a folder, not a file")))
        if not stat.S_ISREG(st.st_mode):
            raise UploadError(named(label, Message.gettext("is not a regular file")))
        if st.st_size > limits.max_bytes:
            raise UploadError(named(label, too_big(st.st_size, limits)))
        with open(path, "rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except UploadError:  # a ValueError too: not to be wrapped as one below
        raise
    except FileNotFoundError:
        raise UploadError(named(label, Message.gettext("file not found"))) from None
    except PermissionError:
        raise UploadError(named(label, Message.gettext(
            "cannot be read ({reason})", reason=Message.gettext("permission denied")))
        ) from None
    except (OSError, ValueError) as err:  # ValueError: a NUL in the path
        text = err.strerror if isinstance(err, OSError) and err.strerror else err
        raise UploadError(named(label, Message.gettext(
            "cannot be read ({reason})", reason=short(text)))) from None
    return read_upload(data, os.fspath(path), limits=limits)


def _read(data: bytes, filename: str, limits: Limits) -> UserLayer:
    """The steps, in order; any of them may raise a :class:`Refusal`."""
    if not data:
        raise Refusal(Message.gettext("the file is empty"))
    if len(data) > limits.max_bytes:
        raise Refusal(too_big(len(data), limits))
    kind = check_format(data, filename)
    check_text(data, kind)
    try:
        gdf = read_frame(data, kind, limits)
    except Refusal as err:
        raise Refusal(diagnose(data, kind) or err.message) from None
    if kind == "geojson" and (gdf.geometry.isna() | gdf.geometry.is_empty).any():
        better = diagnose(data, kind)  # a geometry GDAL left out may be malformed
        if better:
            raise Refusal(better)
    plain = normalise(gdf, limits)
    gdf = plain.gdf
    digest = hashlib.sha256(filename.encode("utf-8", "replace") + b"\0" + data)
    return UserLayer(
        name=layer_name(filename), gdf=gdf, source_crs=plain.source_crs,
        geometry_types=tuple(sorted(set(gdf.geom_type))),
        bounds=tuple(float(v) for v in gdf.total_bounds),  # type: ignore[arg-type]
        n_features=len(gdf), n_vertices=plain.n_vertices, digest=digest.hexdigest()[:32])
