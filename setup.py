"""Build hook: the wheel ships the gettext catalogs compiled (`locales/*/LC_MESSAGES/messages.mo`).

Everything else about the project is in `pyproject.toml`. The `.mo` files are never committed: `build_py` copies
the `.po` files into the build tree and compiles them there with Babel (a build requirement), so an installed
bot never writes into its own package. A source checkout compiles them in place with `make catalogs`.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from setuptools import setup
from setuptools.command.build_py import build_py

CATALOG_DOMAIN = "messages"


def compile_catalogs(locales_dir: Path) -> None:
    """`pybabel compile` every `<locale>/LC_MESSAGES/messages.po` under `locales_dir` next to itself."""
    argv = ["pybabel", "compile", "--domain", CATALOG_DOMAIN, "--directory", str(locales_dir)]
    if CommandLineInterface().run(argv) != 0:
        raise SystemExit(f"the catalogs in {locales_dir} have errors (see above)")


class BuildPyWithCatalogs(build_py):
    """`build_py` that also compiles the catalogs it copied into the build tree."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:  # an editable install reads the source tree: `make catalogs`
            compile_catalogs(Path(self.build_lib) / "locales")


setup(cmdclass={"build_py": BuildPyWithCatalogs})
