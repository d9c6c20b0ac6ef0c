"""The ORM models. Importing this package imports every module in it, so `Base.metadata` is complete
wherever it is used (the application, Alembic, the tests): a new `storage/models/<name>.py` needs no
registration."""

from __future__ import annotations

import importlib
import pkgutil

from storage.models.base import Base

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

metadata = Base.metadata

__all__ = ["Base", "metadata"]
