"""The Optimizer base class: minimize, apply_gradients, slot variables, weights and configs.

Each optimizer keeps, per variable it has updated, a few non-trainable slot variables (Adam's first and
second moments, ...). They are kept in the order the variables were first seen; `get_weights` lists them as
TF.js does: the iteration count first (named 'iter'), then every variable's first slot, then every
variable's second slot, ..., each named '<variable name>/<slot>' ('dense/kernel/m').
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple, Sequence

from ..core.autodiff import variable_grads
from ..core.engine import ENGINE
from ..core.tensor import Tensor, Variable
from ..errors import InvalidArgumentError, ShapeError

#: TF.js's backend epsilon (float32), the default epsilon of adadelta, adam, adamax and rmsprop.
EPSILON = 1e-7


class NamedTensor(NamedTuple):
    """A tensor with a name, as in TF.js's NamedTensor ({name, tensor})."""
    name: str
    tensor: Tensor


class _Slot:
    __slots__ = ("original_name", "variable")

    def __init__(self, original_name: str, variable: Variable) -> None:
        self.original_name = original_name
        self.variable = variable


def _as_named(item: Any, where: str) -> tuple[str, Any]:
    """(name, value) from a NamedTensor, a (name or Variable, value) pair, a {'name', 'tensor'} dict, or a
    bare tensor (named after itself when it is a Variable, else '')."""
    if isinstance(item, dict):
        if "name" not in item or "tensor" not in item:
            raise InvalidArgumentError(f"{where}: a dict entry needs keys 'name' and 'tensor', got "
                                       f"{sorted(item)}")
        key, value = item["name"], item["tensor"]
    elif isinstance(item, (tuple, list)):
        if len(item) != 2:
            raise InvalidArgumentError(f"{where}: expected (name, tensor) pairs, got an entry of length "
                                       f"{len(item)}")
        key, value = item
    elif isinstance(item, Tensor):
        return (item.name if isinstance(item, Variable) else ""), item
    else:
        raise InvalidArgumentError(f"{where}: expected (name, tensor) pairs, got {type(item).__name__}")
    if isinstance(key, Variable):
        key = key.name
    if not isinstance(key, str):
        raise InvalidArgumentError(f"{where}: a name must be a string or a Variable, got {type(key).__name__}")
    return key, value


class Optimizer:
    """Base class of the optimizers. Subclasses set `class_name`, `slot_names` and `_update`."""

    class_name = "Optimizer"
    #: suffixes of the per-variable slot variables, in TF.js's get_weights order
    slot_names: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._iterations = 0
        self._slots: dict[str, list[_Slot]] = {}

    # ---- training ---------------------------------------------------------------------------------
    @property
    def iterations(self) -> int:
        """How many times apply_gradients (or minimize) has run."""
        return self._iterations

    def compute_gradients(self, f: Callable[[], Tensor], var_list: Sequence[Variable] | None = None
                          ) -> tuple[Tensor, dict[str, Tensor]]:
        """(f(), {variable name: gradient}) for var_list, by default all trainable variables."""
        return variable_grads(f, var_list)

    def minimize(self, f: Callable[[], Tensor], return_cost: bool = False,
                 var_list: Sequence[Variable] | None = None) -> Tensor | None:
        """Runs f() (which returns a scalar), and takes one step on var_list (by default every trainable
        variable) to decrease it. Returns the cost f() when return_cost is true, else None."""
        value, grads = self.compute_gradients(f, var_list)
        try:
            if var_list is not None:
                self.apply_gradients([(v.name, grads.get(v.name)) for v in var_list])
            else:
                self.apply_gradients(grads)
        finally:
            ENGINE.dispose(list(grads.values()))
        if return_cost:
            return value
        value.dispose()
        return None

    def _normalize(self, variable_gradients: Any) -> list[tuple[str, Variable, Tensor | None]]:
        where = f"{self.class_name} apply_gradients"
        if isinstance(variable_gradients, dict):
            pairs = list(variable_gradients.items())
        elif isinstance(variable_gradients, (list, tuple)):
            pairs = [_as_named(item, where) for item in variable_gradients]
        else:
            raise InvalidArgumentError(f"{where}: expected a dict name -> gradient or a list of (variable, "
                                       f"gradient) pairs, got {type(variable_gradients).__name__}")
        registered = ENGINE.registered_variables()
        out = []
        for name, g in pairs:
            if isinstance(name, Variable):
                name = name.name
            var = registered.get(name)
            if var is None:
                raise InvalidArgumentError(f"{where}: there is no variable named {name!r}")
            if g is not None:
                g = ENGINE.to_tensor(g, where=f"{where}: gradient of {name!r}")
                if tuple(g.shape) != tuple(var.shape):
                    raise ShapeError(f"{where}: the gradient of {name!r} has shape {list(g.shape)}, expected "
                                     f"the variable's shape {list(var.shape)}")
            out.append((name, var, g))
        return out

    def apply_gradients(self, variable_gradients: Any) -> None:
        """Updates variables from their gradients: a dict {variable name: gradient} or a list of
        (variable or name, gradient) pairs. A None gradient leaves its variable alone."""
        items = self._normalize(variable_gradients)
        with ENGINE.tidy(self.class_name):
            state = self._begin_step()
            for i, (name, var, g) in enumerate(items):
                slots = self._slots_for(i, name, var)
                if g is None:
                    continue
                with ENGINE.tidy(name):
                    self._update(var, g, [s.variable for s in slots], state)
            self._end_step(state)
        self._iterations += 1

    # hooks for subclasses
    def _begin_step(self) -> Any:
        return None

    def _end_step(self, state: Any) -> None:
        pass

    def _update(self, var: Variable, grad: Tensor, slots: list[Variable], state: Any) -> None:
        raise NotImplementedError

    def _init_slot(self, suffix: str, var: Variable) -> Tensor:
        from ..ops.creation import zeros_like
        return zeros_like(var)

    # ---- slot variables ---------------------------------------------------------------------------
    def _slots_for(self, i: int, name: str, var: Variable) -> list[_Slot]:
        slots = self._slots.get(name)
        if slots is not None:
            return slots
        # Slots loaded by set_weights for a variable name that does not exist here (a model loaded in
        # another session names its variables differently) go to the variable at the same position,
        # as TF.js matches them.
        keys = list(self._slots)
        if i < len(keys):
            old = self._slots[keys[i]]
            registered = ENGINE.registered_variables()
            if keys[i] not in registered and all(tuple(s.variable.shape) == tuple(var.shape) for s in old):
                self._slots = {(name if k == keys[i] else k): v for k, v in self._slots.items()}
                return old
        with ENGINE.tidy("slots"):
            slots = [_Slot(f"{name}/{suffix}", ENGINE.make_variable(self._init_slot(suffix, var), False))
                     for suffix in self.slot_names]
        self._slots[name] = slots
        return slots

    # ---- weights ----------------------------------------------------------------------------------
    def get_weights(self) -> list[NamedTensor]:
        """[('iter', int32 scalar), then the slot variables as (name, variable)], in TF.js's order."""
        from ..ops.creation import scalar
        weights = [NamedTensor("iter", scalar(self._iterations, "int32"))]
        for k in range(len(self.slot_names)):
            weights.extend(NamedTensor(s[k].original_name, s[k].variable) for s in self._slots.values())
        return weights

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Restores get_weights' list (NamedTensors, (name, tensor) pairs, or {'name','tensor'} dicts)."""
        where = f"{self.class_name} set_weights"
        entries = [_as_named(w, where) for w in weights]
        if not entries:
            raise InvalidArgumentError(f"{where}: expected at least the iteration count, got no weights")
        rest = self._extract_iterations(entries)
        n_kinds = len(self.slot_names)
        if n_kinds == 0:
            if rest:
                raise InvalidArgumentError(f"{where}: {self.class_name} has no slot weights, got {len(rest)} "
                                           f"besides the iteration count")
            return
        if len(rest) % n_kinds:
            raise InvalidArgumentError(f"{where}: expected {n_kinds} slot weights per variable "
                                       f"({', '.join(self.slot_names)}), got {len(rest)} in all")
        count = len(rest) // n_kinds
        new: dict[str, list[_Slot]] = {}
        for j in range(count):
            group = []
            for k in range(n_kinds):
                original, value = rest[k * count + j]
                t = ENGINE.to_tensor(value, where=f"{where}: weight {original!r}")
                group.append(_Slot(original, ENGINE.make_variable(t, False, None, "float32")))
            base = group[0].original_name.rsplit("/", 1)[0] if "/" in group[0].original_name else ""
            key = base if base and base not in new else f"\x00slot{j}"
            new[key] = group
        self._dispose_slots()
        self._slots = new

    def _extract_iterations(self, entries: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        value = entries[0][1]
        t = ENGINE.to_tensor(value, where=f"{self.class_name} set_weights: the iteration count")
        self._iterations = int(t.numpy().reshape(-1)[0])
        return entries[1:]

    def _dispose_slots(self) -> None:
        for group in self._slots.values():
            for s in group:
                ENGINE.dispose(s.variable)
        self._slots = {}

    def dispose(self) -> None:
        """Disposes the variables this optimizer owns."""
        self._dispose_slots()

    # ---- serialization ----------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Optimizer":
        raise NotImplementedError

    def __repr__(self) -> str:
        try:
            config = self.get_config()
        except NotImplementedError:
            config = {}
        args = ", ".join(f"{k}={v!r}" for k, v in config.items())
        return f"<tw.train.{type(self).__name__} {args}>"
