"""Keras-style serialization: objects <-> {"class_name", "config"} dicts, and the class registry.

Writes Keras 3's form ({"module", "class_name", "config", "registered_name"}); reads that and the plain
{"class_name", "config"} form that TF.js model.json files and tf.keras 2 use. Built-in classes register
under their Keras module; user classes register with `register_class` (or the decorator form) under
"package>Name", so that saved models using them can be loaded again.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

from ..errors import InvalidArgumentError

# Keras module -> kind of object; each kind has its own table, so "Identity" can be both a layer and an
# initializer, as in Keras.
_KIND_OF_MODULE = {"keras.layers": "layer", "keras": "layer", "keras.src.ops.numpy": "operation",
                   "keras.initializers": "initializer", "keras.regularizers": "regularizer",
                   "keras.constraints": "constraint"}
_BUILTINS: dict[str, dict[str, type]] = {kind: {} for kind in set(_KIND_OF_MODULE.values())}
_MODULE_OF: dict[type, str] = {}
_CUSTOM: dict[str, type] = {}  # "package>Name" (and plain "Name") -> user class


def builtin(module: str, *aliases: str) -> Callable[[type], type]:
    """Class decorator for tensorweb's own Keras-compatible classes (module like 'keras.layers')."""
    table = _BUILTINS[_KIND_OF_MODULE[module]]

    def deco(cls: type) -> type:
        for name in (cls.__name__, *aliases):
            table[name] = cls
        _MODULE_OF[cls] = module
        return cls
    return deco


def builtins_of(kind: str) -> dict[str, type]:
    """The built-in classes of a kind ('layer', 'initializer', 'regularizer', 'constraint') by name."""
    return _BUILTINS[kind]


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
    if not hasattr(obj, "get_config"):
        raise InvalidArgumentError(f"cannot serialize {obj!r}: it has no get_config(); subclass the matching "
                                   f"base class and register it with @tw.layers.register_class")
    out = {"module": _MODULE_OF.get(cls, cls.__module__), "class_name": cls.__name__,
           "config": obj.get_config(), "registered_name": cls.__dict__.get("_registered_name")}
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
    table = _BUILTINS.get(kind, {})
    if class_name in table:
        return table[class_name]
    if kind == "layer" and class_name in _BUILTINS["operation"]:  # Keras ops recorded in model configs
        return _BUILTINS["operation"][class_name]
    valid = "" if kind == "layer" else f"; valid built-in names: {', '.join(sorted(table))}"
    raise InvalidArgumentError(
        f"unknown {kind} class {class_name!r}{valid}. If it is a custom class, register it before loading: "
        f"decorate it with @tw.layers.register_class or pass custom_objects={{{class_name!r}: cls}}")


def checked_from_config(cls: type, config: dict, kind: str) -> Any:
    """cls(**config), with an error naming the class when the config's keys do not fit it."""
    if not isinstance(config, dict):
        raise InvalidArgumentError(f"{cls.__name__}.from_config: expected a dict, got {config!r}")
    try:
        inspect.signature(cls.__init__).bind(None, **config)
    except TypeError as e:
        raise InvalidArgumentError(f"{cls.__name__}.from_config: config {config!r} does not fit the "
                                   f"{kind} {cls.__name__}: {e}") from None
    return cls(**config)


def deserialize(config: Any, kind: str, custom_objects: dict | None = None,
                by_name: Callable[[str], Any] | None = None) -> Any:
    """An object from {"class_name", "config"} (Keras 3's or TF.js's form), or from a name via by_name."""
    if isinstance(config, str) and by_name is not None:
        if custom_objects and config in custom_objects:
            obj = custom_objects[config]
            return obj() if inspect.isclass(obj) else obj
        return by_name(config)
    if not isinstance(config, dict) or "class_name" not in config:
        raise InvalidArgumentError(f"cannot deserialize a {kind} from {config!r}: expected "
                                   f"{'a name or ' if by_name else ''}a dict with 'class_name' and 'config'")
    cls = lookup(config["class_name"], kind, custom_objects, config.get("registered_name"))
    inner = config.get("config") or {}
    if hasattr(cls, "from_config"):
        takes_custom = "custom_objects" in inspect.signature(cls.from_config).parameters
        return cls.from_config(inner, custom_objects) if takes_custom else cls.from_config(inner)
    return cls(**inner)


def get_object(identifier: Any, kind: str, names: dict[str, Any], base: type,
               deserializer: Callable[[Any], Any]) -> Any:
    """Keras' get(): None, a name in `names` (a class or a factory), a serialized dict, a class, an
    instance or a plain callable."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in names:
            raise InvalidArgumentError(f"unknown {kind} {identifier!r}; valid names: "
                                       f"{', '.join(sorted(names))}")
        return names[identifier]()
    if isinstance(identifier, dict):
        return deserializer(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise InvalidArgumentError(f"could not interpret {kind} identifier {identifier!r}: expected None, a name, "
                               f"a serialized dict, a {base.__name__} or a callable")
