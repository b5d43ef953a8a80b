"""The package installs: every import is declared, and a built wheel works from any folder.

The wheel is built from a copy of the checkout without build isolation (the build backend
pinned in ``pyproject.toml`` comes with the test extra), installed with ``--no-deps`` into
a fresh virtual environment that sees this environment's packages only as its
dependencies, and its ``corridor-atlas`` command is run from an unrelated folder.
Nothing is downloaded.
"""

from __future__ import annotations

import ast
import gettext
import importlib.metadata
import io
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
PROJECT = PYPROJECT["project"]
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
TIMEOUT_S = 600  # a safety net against a hung process, not a measure of speed


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def _imports(paths: list[Path]) -> dict[str, str]:
    """Top-level modules imported (absolutely) by these files: module → first file."""
    found: dict[str, str] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], str(path.relative_to(ROOT)))
    return found


def _undeclared(paths: list[Path], declared: set[str]) -> list[str]:
    dists = importlib.metadata.packages_distributions()
    local = {"corridor_atlas", "tests", *(p.stem for p in (ROOT / "scripts").glob("*.py"))}
    missing = []
    for module, where in sorted(_imports(paths).items()):
        if module in sys.stdlib_module_names or module in local:
            continue
        # a module of an extra that is not installed here goes by its own name
        owners = {_name(d) for d in dists.get(module, [])} or {_name(module)}
        if not owners & declared:
            missing.append(f"{module} (imported in {where}; from {', '.join(sorted(owners))})")
    return missing


RUNTIME = {_name(r) for r in PROJECT["dependencies"]}
EXTRAS = {extra: {_name(r) for r in reqs}
          for extra, reqs in PROJECT["optional-dependencies"].items()}


def test_every_runtime_import_is_a_declared_dependency():
    files = [*sorted((ROOT / "src").rglob("*.py")), ROOT / "app.py"]
    assert _undeclared(files, RUNTIME) == []


def test_every_test_and_script_import_is_declared():
    assert _undeclared(sorted((ROOT / "tests").rglob("*.py")), RUNTIME | EXTRAS["test"]) == []
    everything = RUNTIME.union(*EXTRAS.values())
    assert _undeclared(sorted((ROOT / "scripts").glob("*.py")), everything) == []


def test_every_dependency_is_pinned():
    for requirement in [*PROJECT["dependencies"],
                        *(r for reqs in PROJECT["optional-dependencies"].values() for r in reqs)]:
        assert re.fullmatch(r"[A-Za-z0-9._-]+==[0-9][0-9A-Za-z.]*", requirement), requirement


def test_the_test_extra_brings_the_build_backend():
    """So `make test` can build the wheel below without downloading anything."""
    assert set(PYPROJECT["build-system"]["requires"]) <= set(PROJECT["optional-dependencies"]
                                                             ["test"])


def test_every_package_under_src_is_listed():
    listed = set(SETUPTOOLS["packages"])
    found = {".".join(p.parent.relative_to(ROOT / "src").parts)
             for p in (ROOT / "src").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    for package, folder in SETUPTOOLS["package-dir"].items():
        assert (ROOT / folder).is_dir(), (package, folder)


# --- the wheel ---------------------------------------------------------------------------

def _backend_missing() -> str | None:
    """Why the pinned build requirements (setuptools; Babel, which compiles the message
    catalogs) cannot build here, or ``None`` when they can."""
    for wanted in PYPROJECT["build-system"]["requires"]:
        name, _, version = wanted.partition("==")
        try:
            have = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            have = None
        if have != version:
            return (f"the wheel is built with {wanted} (the test extra: pip install -e "
                    f"'.[test]'); this environment has {have or 'none'}")
    return None


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, f"{cmd}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    why = _backend_missing()
    if why:  # never under `make test`, which installs the test extra
        pytest.skip(why)
    tmp = tmp_path_factory.mktemp("wheel")
    tree = tmp / "checkout"  # a copy: the build leaves nothing in the real checkout
    # without compiled catalogs, as in a fresh clone: the build must compile them
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.mo")
    for name in ("src", "geo", "static"):
        shutil.copytree(ROOT / name, tree / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "--quiet", "--wheel-dir", str(dist), str(tree)], tmp, dict(os.environ))
    (built,) = dist.glob("corridor_atlas-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A fresh virtual environment with the wheel installed; its bin/ and environment."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "CORRIDOR_ATLAS_GEO_DIR")}
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], venv.parent, env)
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                      "['purelib'])"], venv.parent, env).stdout.strip())
    # the dependencies come from this environment (a path, not a site dir: its .pth files,
    # among them any editable install of the checkout, are not run)
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "_dependencies.pth").write_text("".join(f"{p}\n" for p in deps), encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", "--quiet", str(wheel)], venv.parent, env)
    return venv / "bin", env


def test_the_wheel_holds_the_code_and_the_data_but_not_the_sources(wheel):
    with zipfile.ZipFile(wheel) as whl:
        names = {n for n in whl.namelist() if not n.endswith("/")}

    def shipped(prefix: str) -> set[str]:
        return {n.removeprefix(prefix) for n in names if n.startswith(prefix)}

    geo = shipped("corridor_atlas/geo/")
    assert geo == {f for f in _files(ROOT / "geo") if not f.startswith("sources/")}
    assert {"catalog.json", "facilities.geojson", "basemap/places.geojson",
            "basemap/countries.geojson", "basemap/countries.topojson", "routes/btc.geojson",
            "README.md"} <= geo
    assert shipped("corridor_atlas/static/") == _files(ROOT / "static")
    code = {n for n in names if n.startswith("corridor_atlas/")
            and not n.startswith(("corridor_atlas/geo/", "corridor_atlas/static/"))}
    sources = {f for f in _files(ROOT / "src" / "corridor_atlas") if not f.endswith(".mo")}
    compiled = {f.removesuffix(".po") + ".mo" for f in sources
                if f.startswith("i18n/locales/") and f.endswith(".po")}
    assert compiled, "no message catalogs found"
    assert code == {f"corridor_atlas/{f}" for f in sources | compiled}


@pytest.mark.parametrize(("lang", "expected"), [("tr", "milyar m³/yıl"), ("az", "mlrd m³/il")])
def test_the_wheel_compiles_the_message_catalogs(wheel, lang, expected):
    """Built from a checkout without .mo files: the build compiles each .po."""
    with zipfile.ZipFile(wheel) as whl:
        data = whl.read(f"corridor_atlas/i18n/locales/{lang}/LC_MESSAGES/corridor_atlas.mo")
    assert gettext.GNUTranslations(io.BytesIO(data)).pgettext("unit", "bcm/y") == expected


def test_the_installed_package_speaks_turkish_and_azerbaijani(installed, tmp_path):
    bin_dir, env = installed
    probe = ("from corridor_atlas.i18n import quantity, translator; "
             "print(quantity(11.2, 'bcm/y', 'tr'), '|', quantity(11.2, 'bcm/y', 'az'), '|', "
             "translator('tr').gettext('Language'))")
    out = _run([str(bin_dir / "python"), "-c", probe], tmp_path, env).stdout.strip()
    assert out == "11,2 milyar m³/yıl | 11,2 mlrd m³/il | Dil"


def test_the_installed_package_finds_its_own_data(installed, tmp_path):
    bin_dir, env = installed
    venv = bin_dir.parent
    probe = ("import json, corridor_atlas, corridor_atlas.settings as s; print(json.dumps("
             "[corridor_atlas.__file__, str(s.data_dir('geo')), str(s.vendor_dir())]))")
    code, geo, vendor = json.loads(_run([str(bin_dir / "python"), "-c", probe], tmp_path,
                                        env).stdout)
    for path in (code, geo, vendor):
        assert Path(path).is_relative_to(venv), path
        assert not Path(path).is_relative_to(ROOT), path
    assert (Path(geo) / "catalog.json").is_file()
    assert (Path(vendor) / "leaflet@1.9.3" / "dist" / "leaflet.js").is_file()


def _check(fmt: str, data: bytes) -> None:
    if fmt == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    elif fmt == "pdf":
        assert data.startswith(b"%PDF-")
    elif fmt == "svg":
        assert b"<svg" in data[:2000] and b"Baku" in data
    elif fmt == "html":
        text = data.decode("utf-8")
        assert "<html" in text and "/app/static/" not in text
        assert "data:text/javascript;base64," in text  # Leaflet inlined from the wheel
    elif fmt == "geojson":
        collection = json.loads(data)
        assert collection["type"] == "FeatureCollection" and collection["features"]
    elif fmt == "csv":
        assert data.decode("utf-8").count("\n") > 10
    elif fmt == "kml":
        assert b"<kml" in data[:500] and b"<Placemark" in data


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "extra"), [
    ("png", ["--static"]), ("pdf", ["--static"]), ("svg", []), ("html", []),
    ("geojson", []), ("csv", []), ("kml", []),
    pytest.param("png", [], id="png-browser"), pytest.param("pdf", [], id="pdf-browser"),
])
def test_the_installed_command_exports_from_any_folder(installed, tmp_path, fmt, extra,
                                                       request):
    browser = fmt in ("png", "pdf") and "--static" not in extra
    bin_dir, env = installed
    if browser:  # the one rule: skipped without Chromium, failed under CI
        env = {**env, "CORRIDOR_ATLAS_CHROMIUM": request.getfixturevalue("chromium")}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = _run([str(bin_dir / "corridor-atlas"), "export", "--format", fmt, *extra,
                 "--size", "800x450", "--out", f"x.{fmt}"], elsewhere, env)
    renderer = ("browser render" if browser else "print render" if fmt in ("png", "pdf", "svg")
                else "standalone HTML" if fmt == "html" else "data")
    assert done.stdout.splitlines()[0].endswith(f", {fmt}, {renderer})"), done.stdout
    assert "note:" not in done.stdout
    _check(fmt, (elsewhere / f"x.{fmt}").read_bytes())
