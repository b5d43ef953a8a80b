"""The foundations of the atlas in Turkish and Azerbaijani: languages, catalogs, formats.

Each test reads the real catalogs (compiled by `make` from the .po files in the
repository) or Babel's locale data, never a copy of what they hold.
"""

from __future__ import annotations

import gettext
import importlib.util
import subprocess
import sys

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from corridor_atlas import i18n
from corridor_atlas.i18n import pseudo, translate
from corridor_atlas.i18n.languages import PICKER_LABEL, UNKNOWN_NOTICE

from .conftest import ROOT

LOCALES = ROOT / "src" / "corridor_atlas" / "i18n" / "locales"


def _messages_script():
    spec = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- choosing the language -----------------------------------------------------------------

@pytest.mark.parametrize(("lang", "browser", "chosen", "source", "fell_back"), [
    ("tr", "az-AZ", "tr", "url", False),          # the link wins over the browser
    ("AZ", None, "az", "url", False),
    ("az-Latn-AZ", None, "az", "url", False),
    (None, "tr-TR", "tr", "browser", False),
    (None, "az-Latn-AZ", "az", "browser", False),
    (None, "az-Cyrl-AZ", "az", "browser", False),   # Azerbaijani, whatever its script
    (None, "en-US", "en", "browser", False),
    (None, "de-DE", "en", "default", False),       # a browser language we lack: English
    (None, None, "en", "default", False),
    ("", "tr-TR", "tr", "browser", False),          # an empty lang= names nothing
    ("xx", "tr-TR", "en", "url", True),             # an unknown lang=: English, with a notice
    ("klingon", None, "en", "url", True),
    ("qps", None, "qps", "url", False),             # the pseudo-locale, for tests
])
def test_the_language_comes_from_the_link_then_the_browser_then_english(
        lang, browser, chosen, source, fell_back):
    choice = i18n.choose(lang, browser)
    assert (choice.lang, choice.source, choice.fell_back) == (chosen, source, fell_back)
    assert choice.asked == (lang if fell_back else None)


def test_the_picker_offers_the_three_languages_by_their_own_names():
    assert {code: lang.native for code, lang in i18n.LANGUAGES.items()} == {
        "en": "English", "tr": "Türkçe", "az": "Azərbaycanca"}
    assert i18n.PSEUDO not in i18n.LANGUAGES


# --- translators ---------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "label", "gas", "oil"), [
    ("en", "Language", "bcm/y", "million bbl/day"),
    ("tr", "Dil", "milyar m³/yıl", "milyon varil/gün"),
    ("az", "Dil", "mlrd m³/il", "mln barel/gün"),
])
def test_translators_read_the_compiled_catalogs(lang, label, gas, oil):
    tr = i18n.translator(lang)
    assert tr.gettext(PICKER_LABEL) == label
    assert i18n.unit("bcm/y", tr) == gas
    assert i18n.unit("million bbl/day", tr) == oil
    assert i18n.unit("no such unit", tr) == "no such unit"  # shown as the data writes it


def test_a_translated_notice_keeps_its_placeholder():
    for lang in ("tr", "az"):
        text = i18n.translator(lang).gettext(UNKNOWN_NOTICE).format(asked="xx")
        assert "“xx”" in text and "{" not in text


def test_a_language_the_atlas_lacks_is_refused_not_guessed():
    with pytest.raises(KeyError):
        i18n.translator("de")


def test_a_catalog_not_compiled_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(translate, "LOCALES", tmp_path)
    translate.translator.cache_clear()
    try:
        with pytest.raises(i18n.CatalogMissingError, match="Türkçe catalog is not compiled"):
            translate.translator("tr")
    finally:
        monkeypatch.undo()
        translate.translator.cache_clear()


@pytest.mark.parametrize("lang", ["tr", "az"])
def test_the_compiled_catalog_is_the_po_file(lang):
    """Every translation in the .po comes back from the .mo (a stale .mo fails here)."""
    with (LOCALES / lang / "LC_MESSAGES" / "corridor_atlas.po").open("rb") as fp:
        catalog = read_po(fp)
    tr = i18n.translator(lang)
    checked = 0
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        got = (tr.pgettext(message.context, message.id) if message.context
               else tr.gettext(message.id))
        assert got == message.string, (message.context, message.id)
        checked += 1
    assert checked >= 20


def test_the_catalogs_are_complete_and_current():
    """The template holds every message in the code (no more), and each language translates
    each one, not fuzzy, with the same placeholders (`python scripts/messages.py check`)."""
    assert _messages_script().problems() == []


def test_a_new_message_in_the_code_is_caught(tmp_path, monkeypatch):
    messages = _messages_script()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "new.py").write_text('tr.gettext("A message nobody translated")\n',
                                              encoding="utf-8")
    (tmp_path / "babel.cfg").write_text("[python: src/**.py]\n", encoding="utf-8")
    monkeypatch.setattr(messages, "ROOT", tmp_path)
    found = messages.problems()
    assert any("A message nobody translated" in p and "not in the template" in p for p in found)


def test_compiled_catalogs_are_not_kept_in_git():
    tracked = subprocess.run(["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    assert tracked == ""
    ignored = subprocess.run(
        ["git", "check-ignore", "-q",
         "src/corridor_atlas/i18n/locales/tr/LC_MESSAGES/corridor_atlas.mo"], cwd=ROOT,
        check=False)
    assert ignored.returncode == 0


def test_make_compiles_the_catalogs_before_the_tests_and_the_app():
    done = subprocess.run(["make", "-n", "-W", "src/corridor_atlas/i18n/locales/tr/LC_MESSAGES/"
                           "corridor_atlas.po", "-o", ".venv/.installed", "test", "app"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    compile_tr = next(i for i, line in enumerate(lines)
                      if "pybabel" in line and "compile" in line and "/tr/" in line)
    assert compile_tr < next(i for i, line in enumerate(lines) if "pytest" in line)


# --- numbers, dates, units -----------------------------------------------------------------

def test_babel_has_the_three_locales():
    for code in ("en_GB", "tr_TR", "az_Latn_AZ"):
        assert Locale.parse(code).months["format"]["wide"][11]
    assert Locale.parse("az").months["format"]["wide"][11] == "noyabr"
    assert Locale.parse("tr").months["format"]["wide"][11] == "Kasım"


@pytest.mark.parametrize(("lang", "length", "capacity", "share", "day", "month"), [
    ("en", "1,768 km", "11.2 bcm/y", "87%", "24 May 2023", "July 2008"),
    ("tr", "1.768 km", "11,2 milyar m³/yıl", "%87", "24 Mayıs 2023", "Temmuz 2008"),
    ("az", "1.768 km", "11,2 mlrd m³/il", "87%", "24 may 2023", "iyul 2008"),
])
def test_numbers_units_and_dates_in_the_readers_convention(lang, length, capacity, share, day,
                                                            month):
    assert i18n.quantity(1768, "km", lang) == length
    assert i18n.quantity(11.2, "bcm/y", lang) == capacity
    assert i18n.percent(0.87, lang) == share
    assert i18n.date("2023-05-24", lang) == day
    assert i18n.date("2008-07", lang) == month
    assert i18n.date("2004", lang) == "2004"


def test_numbers_keep_their_digits_and_round_only_when_asked():
    assert i18n.number(4000.232552, "tr") == "4.000,232552"
    assert i18n.number(614764.38, "tr", sig=3) == "615.000"
    assert i18n.number(23.144, "az", sig=3) == "23,1"
    assert i18n.number(10.0, "tr", sig=3) == "10"
    assert i18n.number(0.05, "tr") == "0,05"
    assert i18n.number(1_200_000, "en") == "1,200,000"


# --- case ----------------------------------------------------------------------------------

def test_python_case_mapping_is_wrong_for_turkish():
    """Why :mod:`corridor_atlas.i18n.case` exists."""
    assert "istanbul".upper() == "ISTANBUL"
    assert "IĞDIR".lower() == "iğdir"


@pytest.mark.parametrize(("lang", "text", "upper", "lower"), [
    ("tr", "İstanbul", "İSTANBUL", "istanbul"),
    ("tr", "Iğdır", "IĞDIR", "ığdır"),
    ("az", "Naxçıvan Şəki İğdır", "NAXÇIVAN ŞƏKİ İĞDIR", "naxçıvan şəki iğdır"),
    ("az", "Ərzurum", "ƏRZURUM", "ərzurum"),
    ("en", "Pipeline", "PIPELINE", "pipeline"),
])
def test_upper_and_lower_case_follow_the_language(lang, text, upper, lower):
    assert i18n.upper(text, lang) == upper
    assert i18n.lower(i18n.upper(text, lang), lang) == lower


# --- the pseudo-locale ---------------------------------------------------------------------

def test_the_pseudo_locale_marks_every_message_of_the_template():
    tr = i18n.translator(i18n.PSEUDO)
    with (LOCALES / "corridor_atlas.pot").open("rb") as fp:
        template = read_po(fp)
    for message in template:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        got = tr.pgettext(message.context, msgid) if message.context else tr.gettext(msgid)
        assert got.startswith(pseudo.OPEN) and got.endswith(pseudo.CLOSE), msgid
        assert got != pseudo.OPEN + msgid + pseudo.CLOSE or not any(c in "aeiou" for c in msgid)


def test_the_pseudo_locale_keeps_placeholders_and_markup():
    marked = pseudo.mark("{n} routes in <b>%(year)s</b> &amp; https://example.org/a")
    assert "{n}" in marked and "<b>%(year)s</b>" in marked and "&amp;" in marked
    assert "https://example.org/a" in marked
    assert i18n.translator(i18n.PSEUDO).gettext(UNKNOWN_NOTICE).format(asked="xx")


def test_the_pseudo_locale_leaves_messages_the_template_lacks():
    """A string wrapped at run time but never extracted stays unmarked, so it is found."""
    assert i18n.translator(i18n.PSEUDO).gettext("Not in the template") == "Not in the template"


def test_unmarked_finds_text_that_was_not_translated():
    tr = i18n.translator(i18n.PSEUDO)
    page = (f"{tr.gettext(PICKER_LABEL)}: Türkçe\n"
            f"{i18n.quantity(11.2, 'bcm/y', i18n.PSEUDO)} BTC Legend 2026 ⟦outer ⟦inner⟧ still⟧")
    assert i18n.unmarked(page, allowed=["BTC", "Türkçe"]) == ["Legend"]
    assert i18n.unmarked(page) == ["Türkçe", "BTC", "Legend"]


def test_no_module_of_the_package_imports_streamlit():
    code = ("import sys, corridor_atlas.i18n as i; i.translator('tr'); "
            "print('streamlit' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "False"


def test_gettext_plural_forms_come_from_the_catalog_headers():
    for lang in ("tr", "az"):
        with (LOCALES / lang / "LC_MESSAGES" / "corridor_atlas.mo").open("rb") as fp:
            catalog = gettext.GNUTranslations(fp)
        assert catalog.info()["plural-forms"] == "nplurals=2; plural=(n != 1);"


def test_every_unit_translation_is_a_term_of_the_glossary():
    glossary = (ROOT / "docs" / "glossary.md").read_text("utf-8")
    for lang in ("tr", "az"):
        tr = i18n.translator(lang)
        for key in i18n.UNITS:
            local = i18n.unit(key, tr)
            assert local == key or local in glossary, (lang, key, local)
