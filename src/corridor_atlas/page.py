"""What the app's page does as scripts for the page to run: after a pick on a phone, and
the page's language.

On a narrow screen Streamlit lays the sidebar over the page and stacks the columns, so
a route's panel opens far below the map. After a pick, :func:`after_pick` gives the
script (``js/page.js``) that closes the sidebar and brings the panel into view there;
on a wider screen it does nothing.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

NARROW_PX = 767
"""The widest screen (CSS px) with the phone layout: Streamlit's 768 px breakpoint."""
PANEL = "atlas-after-pick"
"""The class of the mark the script comes with: its column is the panel's."""


@cache
def _source() -> str:
    return resources.files("corridor_atlas").joinpath("js/page.js").read_text("utf-8")


def after_pick(pick: int, *, close_sidebar: bool = True, panel: bool = True) -> str:
    """The HTML to put last in the panel's column after pick number ``pick``: a mark, and
    the script. Send it with every run until the next pick: the page acts on it once.

    ``close_sidebar`` closes the sidebar; ``panel`` scrolls the panel (the mark's column)
    into view.
    """
    settings = {"NARROW": NARROW_PX, "CLOSE_SIDEBAR": close_sidebar,
                "PANEL": f".{PANEL}" if panel else None, "PICK": int(pick)}
    return (f'<span class="{PANEL}" hidden></span>'
            f"<script>{_source()}\nwindow.atlasAfterPick({json.dumps(settings)});</script>")


def document_language(lang: str) -> str:
    """The HTML that sets the page's language (``<html lang>``) to ``lang``'s: screen
    readers read the page with that language's voice, and browsers hyphenate, spell-check
    and offer to translate it as that language."""
    from .i18n import LANGUAGES

    code = lang if lang in LANGUAGES else "en"
    return f"<script>document.documentElement.lang = {json.dumps(code)};</script>"
