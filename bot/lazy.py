"""Heavy imports deferred in the bot process until something needs them.

``lazy_module`` loads a module at its first attribute access (the citizens' pairwise ranking needs
pandas and SciPy, which a survey answer never does).

``import_aiogram_lazily`` imports aiogram's Telegram types without building all of them at once.
``aiogram.types`` ends by calling ``model_rebuild`` on each of its ~300 pydantic models (and
``aiogram.methods`` adds ~170 more), which builds every validator and serializer at import: about
two seconds and 100 MiB in every bot process, though a bot meets a few dozen of them. aiogram
already declares its models ``defer_build=True``; here its rebuild loop only records the namespace
it would resolve their names in, which is then added to each model's module (where aiogram imports
them only for type checkers), and each model builds itself the first time it is used (pydantic's
deferred build), a nested or generic one (``Response[Message]``) too. The schemas are the same ones, built later.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

from pydantic import BaseModel


def import_aiogram_lazily() -> None:
    """Import aiogram's types and methods with their models left to build on first use; nothing
    changes when aiogram is imported already (its models were built then)."""
    if "aiogram.types" in sys.modules:
        return
    original = vars(BaseModel)["model_rebuild"]
    rebuild = original.__func__
    names: dict[str, Any] = {}

    def record(cls: type[BaseModel], *args: Any, _types_namespace: Any = None, **kwargs: Any) -> bool | None:
        if _types_namespace is not None and cls.__module__.startswith("aiogram.types"):
            names.update(_types_namespace)
            return None
        return rebuild(cls, *args, _types_namespace=_types_namespace, **kwargs)  # type: ignore[no-any-return]

    BaseModel.model_rebuild = classmethod(record)  # type: ignore[method-assign, assignment]
    try:
        import aiogram.methods
        import aiogram.types  # noqa: F401
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]
    for model in _subclasses(BaseModel):  # a model's names resolve in its module, as aiogram's loop gave them
        if model.__module__.startswith("aiogram.") and not model.__pydantic_complete__:
            module = vars(sys.modules[model.__module__])
            for name, value in names.items():
                module.setdefault(name, value)


def _subclasses(cls: type[BaseModel]) -> list[type[BaseModel]]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def lazy_module(name: str) -> ModuleType:
    """Module ``name``, executed at its first attribute access (at once if it is loaded already)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
