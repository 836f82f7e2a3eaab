"""The streaming CSV engine (Polars), imported only when an import runs so that the core
install works without the ``import`` extra."""

from __future__ import annotations

import importlib
from types import ModuleType


class EngineMissingError(RuntimeError):
    pass


def polars() -> ModuleType:
    try:
        return importlib.import_module("polars")
    except ImportError:
        raise EngineMissingError(
            "Importing public files needs the optional CSV engine: install caretime[import] "
            "(pip install 'caretime[import]')."
        ) from None
