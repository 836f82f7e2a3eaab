"""Optional dependencies (the `import` extra), imported only when a command needs them, so
the core install works without them."""

from __future__ import annotations

import importlib
from types import ModuleType


class ExtraMissingError(RuntimeError):
    """An optional package is not installed; the message says how to install it."""


def import_extra(module: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ExtraMissingError(
            f"Reading public data files needs the optional engine {module}: "
            "install caretime[import] (pip install 'caretime[import]')."
        ) from None
