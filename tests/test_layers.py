"""Imports point down the layers (docs/architecture.md), with no exception.

Every import of ours in the application's source (module level, inside functions, under TYPE_CHECKING) is read
from the syntax tree, so an import that points up a layer fails here before it can form a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("run_bot", "bot", "handlers", "domain", "storage")

# Top to bottom. A module may import its own layer and any layer below it, never one above.
LAYERS: tuple[tuple[str, str], ...] = (
    ("run_bot", "the command line"),
    ("bot", "the composition root: app, runner, channels, middlewares, delivery"),
    ("handlers", "the routers"),
    ("handlers.services", "the feature services"),
    ("handlers.views", "what people are shown"),
    ("storage", "tables, repositories, encryption"),
    ("domain", "the rules"),
)

# Libraries a layer must not use: the rules are plain Python; what is shown and decided never touches SQL.
FORBIDDEN_LIBRARIES: dict[str, tuple[str, ...]] = {
    "domain": ("aiogram", "sqlalchemy", "alembic", "aiohttp", "aiosqlite", "asyncpg"),
    "handlers": ("sqlalchemy", "alembic", "aiosqlite", "asyncpg"),
}


# The routers reach the database only through `services`: no unit of work, session or engine of their own.
ROUTERS_MAY_NOT_IMPORT = ("storage.unit_of_work", "storage.database", "storage.engine", "storage.session")


def banned_libraries(layer: str) -> tuple[str, ...]:
    for name, libraries in FORBIDDEN_LIBRARIES.items():
        if layer == name or layer.startswith(name + "."):
            return libraries
    return ()


def layer_of(module: str) -> int:
    """The index in LAYERS of the longest layer name that is `module` or a package above it."""
    best = -1
    for index, (name, _what) in enumerate(LAYERS):
        if (module == name or module.startswith(name + ".")) and (best < 0 or len(name) > len(LAYERS[best][0])):
            best = index
    if best < 0:
        raise ValueError(f"{module} is in no layer")
    return best


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    files = [ROOT / "run_bot.py"]
    for package in ("bot", "handlers", "domain", "storage"):
        files += sorted(p for p in (ROOT / package).rglob("*.py") if "versions" not in p.parts)
    return files


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # `from handlers import views` names a module: judge the module, not only the package.
            named = (f"{base}.{alias.name}" for alias in node.names)
            found += [(node.lineno, module) for module in named if _is_module(module, root)]
    return found


def _is_module(name: str, root: Path) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def violations() -> list[str]:
    found = []
    for path in source_files():
        here = module_name(path)
        mine = layer_of(here)
        for line, target in imports_of(path):
            top = target.partition(".")[0]
            where = f"{path.relative_to(ROOT)}:{line}"
            if top in OURS and layer_of(target) < mine:
                found.append(f"{where}: {here} ({LAYERS[mine][0]}) imports {target} ({LAYERS[layer_of(target)][0]})")
            if top in banned_libraries(LAYERS[mine][0]):
                found.append(f"{where}: {here} ({LAYERS[mine][0]}) uses {top}")
            if LAYERS[mine][0] == "handlers" and target.startswith(ROUTERS_MAY_NOT_IMPORT):
                found.append(f"{where}: the router {here} reaches {target} (go through `services`)")
    return found


def test_every_import_points_down_a_layer() -> None:
    assert violations() == []


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("run_bot", "run_bot"),
        ("bot.app", "bot"),
        ("handlers", "handlers"),
        ("handlers.dates.router", "handlers"),
        ("handlers.services.container", "handlers.services"),
        ("handlers.views.texts", "handlers.views"),
        ("storage.fsm", "storage"),
        ("domain.intake", "domain"),
    ],
)
def test_each_module_belongs_to_the_innermost_layer_that_names_it(module: str, layer: str) -> None:
    assert LAYERS[layer_of(module)][0] == layer


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The check is not blind: an import of the routers from a service, relative or not, is reported."""
    package = tmp_path / "handlers" / "services"
    package.mkdir(parents=True)
    sample = package / "sample.py"
    (tmp_path / "handlers" / "operations.py").write_text("")
    sample.write_text("from handlers import staff_access\nfrom .. import operations\n\ndef f():\n    import bot.app\n")
    lines = imports_of(sample, tmp_path)
    assert (1, "handlers") in lines and (2, "handlers.operations") in lines and (5, "bot.app") in lines
    assert layer_of("bot.app") < layer_of("handlers.services.sample")
    assert layer_of("handlers.staff_access") < layer_of("handlers.services.sample")

