"""The build step setuptools cannot express in pyproject.toml: compiling the interface's
message catalogs (``locales/<lang>/LC_MESSAGES/corridor_atlas.po``) to ``.mo`` files in
the build, so an installed wheel has them. Everything else is in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    """``build_py``, then each copied ``.po`` compiled to its ``.mo`` beside it."""

    def run(self) -> None:
        super().run()
        locales = Path(self.build_lib) / "corridor_atlas" / "i18n" / "locales"
        for po in sorted(locales.glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as fp:
                catalog = read_po(fp, locale=po.parents[1].name)
            with po.with_suffix(".mo").open("wb") as fp:
                write_mo(fp, catalog)  # fuzzy entries are left out, as pybabel compile does


setup(cmdclass={"build_py": BuildWithCatalogs})
