"""Global flags (`tw.env()`), registered with a default and read from TENSORWEB_FLAGS at start.

TENSORWEB_FLAGS="DEBUG=true,PRECISION=64" sets flags for a whole process, like TF.js's `tfjsflags`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import InvalidArgumentError


def _parse_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("1", "true", "yes", "on"):
        return True
    if s in ("0", "false", "no", "off"):
        return False
    raise InvalidArgumentError(f"expected a boolean flag value, got {v!r}")


@dataclass
class _Flag:
    name: str
    default: Any
    parse: Callable[[Any], Any]
    help: str
    on_change: Callable[[Any], None] | None


class Environment:
    """Named flags with defaults; `set` validates and notifies whoever depends on a flag."""

    def __init__(self) -> None:
        self._defs: dict[str, _Flag] = {}
        self._values: dict[str, Any] = {}

    def register(self, name: str, default: Any, parse: Callable[[Any], Any], help: str,
                 on_change: Callable[[Any], None] | None = None) -> None:
        self._defs[name] = _Flag(name, default, parse, help, on_change)
        self._values[name] = default
        if on_change is not None:
            on_change(default)

    def _flag(self, name: str) -> _Flag:
        if name not in self._defs:
            raise InvalidArgumentError(
                f"unknown flag {name!r}; known flags: {', '.join(sorted(self._defs))}")
        return self._defs[name]

    def get(self, name: str) -> Any:
        self._flag(name)
        return self._values[name]

    def set(self, name: str, value: Any) -> None:
        flag = self._flag(name)
        value = flag.parse(value)
        self._values[name] = value
        if flag.on_change is not None:
            flag.on_change(value)

    def reset(self, name: str | None = None) -> None:
        for n in [name] if name is not None else list(self._defs):
            self.set(n, self._flag(n).default)

    @property
    def flags(self) -> dict[str, Any]:
        return dict(self._values)

    def describe(self) -> dict[str, str]:
        return {n: f.help for n, f in self._defs.items()}

    def load_from_environ(self, var: str = "TENSORWEB_FLAGS") -> None:
        text = os.environ.get(var, "").strip()
        for item in filter(None, (p.strip() for p in text.split(","))):
            if "=" not in item:
                raise InvalidArgumentError(f"{var}: expected NAME=VALUE, got {item!r}")
            name, value = item.split("=", 1)
            self.set(name.strip(), value.strip())


_ENV = Environment()


def env() -> Environment:
    """The process-wide flag environment."""
    return _ENV
