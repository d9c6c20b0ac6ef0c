"""The wheel carries everything the bot reads at run time, and the installed wheel runs without the source tree.

One wheel is built per run (from a copy of the checkout without compiled catalogs, so the build must compile
them) with the project's own setuptools and Babel: no network, about ten seconds in all.
"""

from __future__ import annotations

import gettext
import io
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ("en", "zh", "zh_Hant", "ru")
# Folders whose every file the bot reads at run time (static pages, migrations, data) must be in the wheel.
DATA_FOLDERS = ("bot/webchat/static", "storage/migrations", "domain/data", "handlers/services/chart_fonts")
# What a checkout may hold beside its source: at the top, and anywhere.
NOT_SOURCE_AT_TOP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "data", ".hypothesis", "*.egg-info")
NOT_SOURCE = shutil.ignore_patterns("__pycache__", ".*_cache", "*.mo")
PIP_QUIET = ("--quiet", "--disable-pip-version-check", "--no-index", "--no-deps")
TIMEOUT = 120


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True, timeout=TIMEOUT)


def _not_source(folder: str, names: list[str]) -> set[str]:
    ignored = set(NOT_SOURCE(folder, names))
    if Path(folder) == ROOT:
        ignored |= set(NOT_SOURCE_AT_TOP(folder, names))
        ignored |= {name for name in names if (ROOT / name / "pyvenv.cfg").exists()}  # a venv of another name
    return ignored


def _files_under(folder: str) -> Iterator[str]:
    for path in sorted((ROOT / folder).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path.relative_to(ROOT).as_posix()


def _translations(locale: str) -> dict[str, str]:
    """Every translated, non-fuzzy singular message of the checkout's catalog."""
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=locale)
    return {
        message.id: message.string
        for message in catalog
        if isinstance(message.id, str) and message.id and isinstance(message.string, str) and message.string
        if not message.fuzzy
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source") / "yuelao"
    shutil.copytree(ROOT, source, ignore=_not_source)
    out = tmp_path_factory.mktemp("wheel")
    _pip("wheel", *PIP_QUIET, "--no-build-isolation", "--wheel-dir", str(out), str(source))
    (built,) = out.glob("yuelao-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("installed")
    _pip("install", *PIP_QUIET, "--no-compile", "--target", str(target), str(wheel))
    return target


def test_the_wheel_holds_the_compiled_catalogs_and_the_run_time_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        expected = {"run_bot.py", "locales/__init__.py", "storage/alembic.ini"}
        expected |= {f"locales/{locale}/LC_MESSAGES/messages.{kind}" for locale in LOCALES for kind in ("po", "mo")}
        for folder in DATA_FOLDERS:
            expected |= set(_files_under(folder))
        assert any(name.startswith("storage/migrations/versions/") for name in expected)
        assert any(name.startswith("domain/data/venues/") for name in expected)
        assert sorted(expected - names) == []
        assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
        catalogs = {locale: archive.read(f"locales/{locale}/LC_MESSAGES/messages.mo") for locale in LOCALES}
    for locale, compiled in catalogs.items():
        translation = gettext.GNUTranslations(io.BytesIO(compiled))
        translations = _translations(locale)
        assert len(translations) > 100
        wrong = sorted(msgid for msgid, text in translations.items() if translation.gettext(msgid) != text)
        assert wrong == [], f"{locale}: compiled catalog differs from the .po for {wrong[:5]}"


# Run by the installed wheel's interpreter: argv = target, a msgid, its Chinese translation.
INSTALLED_CHECK = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    target = Path(sys.argv[1]).resolve()
    import bot.i18n, bot.runner, locales, run_bot

    for module in (bot.i18n, bot.runner, locales, run_bot):
        assert Path(module.__file__).resolve().is_relative_to(target), module.__file__
    assert bot.i18n.LOCALES_DIR.is_relative_to(target), bot.i18n.LOCALES_DIR
    i18n = bot.i18n.create_i18n("en")
    assert sorted(i18n.available_locales) == ["en", "ru", "zh", "zh_Hant"], i18n.available_locales
    with i18n.context(), i18n.use_locale("zh"):
        assert i18n.gettext(sys.argv[2]) == sys.argv[3], i18n.gettext(sys.argv[2])
    """
)


def _run_installed(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The project's interpreter without its site-packages hooks (no editable install, no checkout on the path):
    only the installed wheel and the project venv's third-party packages."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    third_party = dict.fromkeys(sysconfig.get_paths()[kind] for kind in ("purelib", "platlib"))
    env["PYTHONPATH"] = os.pathsep.join([str(target), *third_party])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-S", "-P", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )


def _snapshot(folder: Path) -> dict[str, int]:
    return {str(path): path.stat().st_mtime_ns for path in folder.rglob("*")}


def test_the_installed_wheel_loads_its_catalogs_and_runs_the_cli(installed: Path, tmp_path: Path) -> None:
    msgid, chinese = next(iter(_translations("zh").items()))
    before = _snapshot(installed)

    check = _run_installed(installed, tmp_path, "-c", INSTALLED_CHECK, str(installed), msgid, chinese)
    assert check.returncode == 0, check.stderr
    cli = _run_installed(installed, tmp_path, "-c", "import run_bot; raise SystemExit(run_bot.main())", "--help")
    assert cli.returncode == 0, cli.stderr
    assert "migrate" in cli.stdout

    assert _snapshot(installed) == before, "starting the bot wrote into its installed package"
