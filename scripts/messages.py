"""The interface's message catalogs: extract, update, compile, check.

Run from the project root (``make messages`` runs ``update``)::

    python scripts/messages.py extract   # the template locales/corridor_atlas.pot from the code
    python scripts/messages.py update    # extract, then bring each language's .po up to date
    python scripts/messages.py compile   # each .po to its .mo (make and the wheel build do this)
    python scripts/messages.py check     # exit 1 if the template is stale or a message is
                                         # untranslated, fuzzy or has other placeholders

All of it is Babel's ``pybabel`` with the project's settings (``babel.cfg``, the
keywords below), so the Makefile, the tests and a translator run the same thing.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "src" / "corridor_atlas" / "i18n" / "locales"
DOMAIN = "corridor_atlas"
TEMPLATE = LOCALES / f"{DOMAIN}.pot"
KEYWORDS = ["NC_:1c,2", "_n:1,2"]  # besides Babel's defaults (gettext, ngettext, pgettext, N_ …)


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(out: Path = TEMPLATE) -> None:
    """Write the template of every message marked in ``src/`` and ``app.py``."""
    with contextlib.chdir(ROOT):  # file names in the template relative to the checkout
        _pybabel("extract", "-F", "babel.cfg", *(f"-k{k}" for k in KEYWORDS),
                 "--add-comments=Translators:", "--add-location=file", "--sort-by-file",
                 "--project=Corridor Atlas", "--copyright-holder=Corridor Atlas contributors",
                 "-o", str(out), ".")


def languages() -> list[str]:
    """The languages that have a catalog."""
    return sorted(p.parents[1].name for p in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def update() -> None:
    extract()
    _pybabel("update", "-i", str(TEMPLATE), "-d", str(LOCALES), "-D", DOMAIN,
             "--ignore-pot-creation-date")


def compile_all() -> None:
    _pybabel("compile", "-d", str(LOCALES), "-D", DOMAIN)


def _read(path: Path):
    with path.open("rb") as fp:
        return read_po(fp)


def _ids(catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def problems() -> list[str]:
    """What is wrong with the catalogs: a stale template, or a message some language
    lacks, leaves fuzzy or translates with other placeholders."""
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.pot"
        extract(fresh)
        wanted = _ids(_read(fresh))
    have = _ids(_read(TEMPLATE))
    for ctx, msgid in sorted(wanted - have, key=str):
        found.append(f"{TEMPLATE.name}: {msgid!r} (context {ctx}) is in the code, not in the "
                     "template: run `make messages`")
    for ctx, msgid in sorted(have - wanted, key=str):
        found.append(f"{TEMPLATE.name}: {msgid!r} (context {ctx}) is no longer in the code: "
                     "run `make messages`")
    for lang in languages():
        path = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        catalog = _read(path)
        by_id = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m
                 for m in catalog if m.id}
        for key in sorted(wanted, key=str):
            message = by_id.get(key)
            strings = () if message is None else (
                message.string if isinstance(message.string, tuple) else (message.string,))
            if message is None or not all(strings):
                found.append(f"{lang}: {key[1]!r} is not translated")
            elif message.fuzzy:
                found.append(f"{lang}: {key[1]!r} is fuzzy (check it, then remove the flag)")
        for message, errors in catalog.check():
            found += [f"{lang}: {message.id!r}: {error}" for error in errors]
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        extract()
    elif command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = problems()
        print("\n".join(found) or "catalogs complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
