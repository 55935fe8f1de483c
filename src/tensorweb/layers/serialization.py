"""Keras-style serialization: objects <-> {"class_name", "config"} dicts, and the class registry.

Writes Keras 3's form ({"module", "class_name", "config", "registered_name"}); reads that and the plain
{"class_name", "config"} form that TF.js model.json files and tf.keras 2 use. Built-in classes register
under their Keras module; user classes register with `register_class` (or the decorator form) under
"package>Name", so that saved models using them can be loaded again.
"""
from __future__ import annotations

from typing import Any, Callable

from ..errors import InvalidArgumentError

# class name -> (class, keras module) for built-ins; "package>Name" -> class for registered custom classes
_BUILTINS: dict[str, tuple[type, str]] = {}
_CUSTOM: dict[str, type] = {}


def builtin(module: str, *aliases: str) -> Callable[[type], type]:
    """Class decorator for tensorweb's own Keras-compatible classes (module like 'keras.layers')."""
    def deco(cls: type) -> type:
        for name in (cls.__name__, *aliases):
            _BUILTINS[name] = (cls, module)
        return cls
    return deco


def register_class(cls: type | None = None, *, package: str = "Custom", name: str | None = None):
    """Registers a user class so configs naming it can be deserialized; usable as a decorator
    (`@register_class`, `@register_class(package="mine")`) or called directly."""
    def deco(c: type) -> type:
        key = f"{package}>{name or c.__name__}"
        _CUSTOM[key] = c
        _CUSTOM.setdefault(name or c.__name__, c)
        c._registered_name = key  # type: ignore[attr-defined]
        return c
    return deco(cls) if cls is not None else deco


def serialize(obj: Any) -> Any:
    """An object with get_config as Keras 3 writes it; None and plain values pass through."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    cls = type(obj)
    entry = _BUILTINS.get(cls.__name__)
    module = entry[1] if entry is not None and entry[0] is cls else cls.__module__
    out = {"module": module, "class_name": cls.__name__, "config": obj.get_config(),
           "registered_name": getattr(cls, "_registered_name", None)}
    build = obj.get_build_config() if hasattr(obj, "get_build_config") else None
    if build is not None:
        out["build_config"] = build
    return out


def lookup(class_name: str, kind: str, custom_objects: dict | None = None,
           registered_name: str | None = None) -> type:
    """The class for a serialized class name, or an error that names it and says how to register it."""
    if custom_objects and class_name in custom_objects:
        return custom_objects[class_name]
    if registered_name and registered_name in _CUSTOM:
        return _CUSTOM[registered_name]
    if class_name in _CUSTOM:
        return _CUSTOM[class_name]
    if class_name in _BUILTINS:
        return _BUILTINS[class_name][0]
    raise InvalidArgumentError(
        f"unknown {kind} class {class_name!r}. If it is a custom class, register it before loading: "
        f"decorate it with @tw.layers.register_class or pass custom_objects={{{class_name!r}: cls}}")


def deserialize(config: Any, kind: str, custom_objects: dict | None = None) -> Any:
    """An object from {"class_name", "config"} (either Keras 3's or TF.js's form)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise InvalidArgumentError(f"cannot deserialize a {kind} from {config!r}: expected a dict with "
                                   f"'class_name' and 'config'")
    cls = lookup(config["class_name"], kind, custom_objects, config.get("registered_name"))
    inner = config.get("config") or {}
    if hasattr(cls, "from_config"):
        return cls.from_config(inner) if not _takes_custom(cls) else cls.from_config(inner, custom_objects)
    return cls(**inner)


def _takes_custom(cls: type) -> bool:
    import inspect
    try:
        return "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        return False
