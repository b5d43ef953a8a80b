"""Markers for messages defined before a translator is at hand (``make messages``
extracts them; they are translated where they are shown)."""

from __future__ import annotations

__all__ = ["NC_", "N_"]


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for it)
    """Mark ``message`` for extraction; translate it later with ``gettext``."""
    return message


def NC_(context: str, message: str) -> str:  # noqa: N802
    """Mark ``message`` (in ``context``) for extraction; translate it later with
    ``pgettext(context, message)``."""
    return message
