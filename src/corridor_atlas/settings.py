"""Settings: the environment variables the atlas reads, their defaults, and where its data is.

Every variable is read when it is needed, so a change to the environment takes effect
on the next read. Readers take the environment as a mapping (``os.environ`` when not
given) and raise :class:`~corridor_atlas.errors.AtlasError` naming the variable when
its value cannot be used.

The data (``geo/``) and the vendored front-end files (``static/``) ship inside the
package as ``corridor_atlas/geo`` and ``corridor_atlas/static`` and are found with
:mod:`importlib.resources`. In a source checkout, where they stay at the top of the
repository (an editable install points there too), they are found there.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Literal

from .errors import AtlasError

__all__ = [
    "CHROMIUM_ENV",
    "CHROMIUM_FALLBACKS",
    "CHROMIUM_NAMES",
    "DEFAULT_MAX_UPLOAD_MB",
    "GEO_DIR_ENV",
    "MAX_UPLOAD_MB_ENV",
    "MB",
    "PHASE_LOG_ENV",
    "chromium_setting",
    "data_dir",
    "geo_dir",
    "max_upload_bytes",
    "phase_log",
    "vendor_dir",
]

MB = 1024 * 1024

GEO_DIR_ENV = "CORRIDOR_ATLAS_GEO_DIR"
"""A data folder to use instead of the bundled one (``catalog.json``, ``routes/``…)."""

CHROMIUM_ENV = "CORRIDOR_ATLAS_CHROMIUM"
"""The browser for PNG and PDF snapshots: a name on ``PATH`` or a path."""
CHROMIUM_NAMES = ("chromium", "chromium-browser")
"""Looked up on ``PATH`` when :data:`CHROMIUM_ENV` is not set."""
CHROMIUM_FALLBACKS = ("/usr/bin/chromium",)
"""Tried after ``PATH``: where Debian puts Chromium."""

MAX_UPLOAD_MB_ENV = "CORRIDOR_ATLAS_MAX_UPLOAD_MB"
"""The largest map layer file a user may add, in megabytes."""
DEFAULT_MAX_UPLOAD_MB = 25
"""Also the app server's limit: ``maxUploadSize`` in ``.streamlit/config.toml``."""

PHASE_LOG_ENV = "CORRIDOR_ATLAS_PHASE_LOG"
"""A file the app appends each script run's phase times to (for the benchmark)."""

DataFolder = Literal["geo", "static"]

# src/corridor_atlas/settings.py → the top of a source checkout
_CHECKOUT = Path(__file__).resolve().parents[2]


def _environ(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def data_dir(name: DataFolder) -> Path:
    """
    The folder of bundled files ``name`` (``"geo"`` or ``"static"``).

    In an installed copy it is the package's own ``corridor_atlas/<name>`` (package
    data, found through :mod:`importlib.resources`); in a source checkout, or an
    editable install of one, it is ``<name>/`` at the top of the checkout.
    """
    packaged = resources.files(__package__) / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return _CHECKOUT / name


def geo_dir(override: str | os.PathLike[str] | None = None,
            env: Mapping[str, str] | None = None) -> Path:
    """The data folder: ``override`` (``--geo-dir``), else :data:`GEO_DIR_ENV`, else bundled."""
    if override is not None and str(override):
        return Path(override)
    configured = _environ(env).get(GEO_DIR_ENV, "").strip()
    return Path(configured) if configured else data_dir("geo")


def vendor_dir() -> Path:
    """The vendored Leaflet, its plugins and helpers (``static/vendor``)."""
    return data_dir("static") / "vendor"


def chromium_setting(env: Mapping[str, str] | None = None) -> str:
    """The browser named by :data:`CHROMIUM_ENV`, or ``""`` when it is not set."""
    return _environ(env).get(CHROMIUM_ENV, "").strip()


def phase_log(env: Mapping[str, str] | None = None) -> Path | None:
    """The file :data:`PHASE_LOG_ENV` names, or ``None`` (phase times are not written)."""
    raw = _environ(env).get(PHASE_LOG_ENV, "").strip()
    return Path(raw) if raw else None


def max_upload_bytes(env: Mapping[str, str] | None = None) -> int:
    """
    The upload size limit in bytes: :data:`MAX_UPLOAD_MB_ENV` megabytes when set.

    Defaults to :data:`DEFAULT_MAX_UPLOAD_MB`; fractions of a megabyte are allowed.

    Raises
    ------
    AtlasError
        The variable is set to anything but a positive, finite number.
    """
    raw = _environ(env).get(MAX_UPLOAD_MB_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_UPLOAD_MB * MB
    try:
        mb = float(raw)
    except ValueError:
        mb = math.nan
    if not math.isfinite(mb) or mb <= 0:
        raise AtlasError(f"{MAX_UPLOAD_MB_ENV} must be a positive number of megabytes, "
                         f"got {raw[:40]!r}")
    return int(mb * MB)
