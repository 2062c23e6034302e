"""One rule for the subpackages' public names: listed in ``__all__``, imported on first use (PEP 562)."""

from __future__ import annotations

from importlib import import_module


def lazy_attributes(package: str, public: dict[str, str]):
    """A module ``__getattr__`` for ``package`` that imports ``public[name]`` (a relative module) on first use,
    so importing the package stays light."""

    def __getattr__(name: str):
        if name in public:
            return getattr(import_module(public[name], package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
