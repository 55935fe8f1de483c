"""The optimizers, with TF.js's update rules, defaults, slot names and config keys.

    sgd        x -= lr * g
    momentum   a = m * a + g;  x -= lr * a   (nesterov: x -= lr * (g + m * a))
    adagrad    s += g^2;  x -= lr * g / sqrt(s + eps)                       (s starts at 0.1)
    adadelta   u = g * sqrt(U + eps) / sqrt(G + eps) (the accumulators before this step);
               G = rho G + (1 - rho) g^2;  U = rho U + (1 - rho) u^2;  x -= lr * u
    adam       m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
               x -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    adamax     m = b1 m + (1 - b1) g;  u = max(b2 u, |g|);  x -= lr / (1 + decay (t-1)) / (1 - b1^t) * m / (u + eps)
    rmsprop    r = d r + (1 - d) g^2;  p = mom p + lr g / sqrt(r + eps);  x -= p
               (centered: mg = d mg + (1 - d) g;  p = mom p + lr g / sqrt(r - (mg^2 + eps)))
"""
from __future__ import annotations

from typing import Any

from ..core.engine import ENGINE
from ..core.tensor import Tensor, Variable
from ..errors import InvalidArgumentError
from .optimizer import EPSILON, Optimizer


def _ops():
    from ..ops import arithmetic, basic_math
    return arithmetic, basic_math


def _number(value: Any, arg: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentError(f"{where}: {arg} must be a number, got {value!r}")
    return float(value)


class SGDOptimizer(Optimizer):
    """Plain gradient descent: x -= learning_rate * g."""
    class_name = "SGD"

    def __init__(self, learning_rate: float) -> None:
        super().__init__()
        self.learning_rate = _number(learning_rate, "learning_rate", self.class_name)

    def set_learning_rate(self, learning_rate: float) -> None:
        self.learning_rate = _number(learning_rate, "learning_rate", self.class_name)

    def _update(self, var: Variable, grad: Tensor, slots: list[Variable], state: Any) -> None:
        a, _ = _ops()
        var.assign(a.add(a.mul(grad, -self.learning_rate), var))

    def get_config(self) -> dict[str, Any]:
        return {"learningRate": self.learning_rate}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "SGDOptimizer":
        return cls(config["learningRate"])


class MomentumOptimizer(SGDOptimizer):
    """Gradient descent with momentum (optionally Nesterov's)."""
    class_name = "Momentum"
    slot_names = ("momentum",)

    def __init__(self, learning_rate: float, momentum: float, use_nesterov: bool = False) -> None:
        super().__init__(learning_rate)
        self.momentum = _number(momentum, "momentum", self.class_name)
        self.use_nesterov = bool(use_nesterov)

    def set_momentum(self, momentum: float) -> None:
        self.momentum = _number(momentum, "momentum", self.class_name)

    def _update(self, var: Variable, grad: Tensor, slots: list[Variable], state: Any) -> None:
        a, _ = _ops()
        (accum,) = slots
        new_accum = a.add(a.mul(accum, self.momentum), grad)
        step = a.add(grad, a.mul(new_accum, self.momentum)) if self.use_nesterov else new_accum
        accum.assign(new_accum)
        var.assign(a.add(a.mul(step, -self.learning_rate), var))

    def get_config(self) -> dict[str, Any]:
        return {"learningRate": self.learning_rate, "momentum": self.momentum, "useNesterov": self.use_nesterov}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "MomentumOptimizer":
        return cls(config["learningRate"], config["momentum"], config.get("useNesterov", False))


class AdagradOptimizer(Optimizer):
    """Adagrad: per-element learning rates from the running sum of squared gradients."""
    class_name = "Adagrad"
    slot_names = ("accumulator",)

    def __init__(self, learning_rate: float, initial_accumulator_value: float = 0.1) -> None:
        super().__init__()
        self.learning_rate = _number(learning_rate, "learning_rate", self.class_name)
        self.initial_accumulator_value = _number(initial_accumulator_value, "initial_accumulator_value",
                                                 self.class_name)

    def _init_slot(self, suffix: str, var: Variable) -> Tensor:
        from ..ops.creation import fill
        return fill(var.shape, self.initial_accumulator_value, "float32")

    def _update(self, var: Variable, grad: Tensor, slots: list[Variable], state: Any) -> None:
        a, b = _ops()
        (accum,) = slots
        new_accum = a.add(accum, b.square(grad))
        accum.assign(new_accum)
        step = a.div(grad, b.sqrt(a.add(new_accum, EPSILON)))
        var.assign(a.add(a.mul(step, -self.learning_rate), var))

    def get_config(self) -> dict[str, Any]:
        return {"learningRate": self.learning_rate, "initialAccumulatorValue": self.initial_accumulator_value}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "AdagradOptimizer":
        return cls(config["learningRate"], config.get("initialAccumulatorValue", 0.1))


class AdadeltaOptimizer(Optimizer):
    """Adadelta (TF.js's rule: the step uses the accumulators from before this step)."""
    class_name = "Adadelta"
    slot_names = ("accum_grad", "accum_var")

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.95, epsilon: float | None = None) -> None:
        super().__init__()
        self.learning_rate = _number(learning_rate, "learning_rate", self.class_name)
        self.rho = _number(rho, "rho", self.class_name)
        self.epsilon = EPSILON if epsilon is None else _number(epsilon, "epsilon", self.class_name)

    def _update(self, var: Variable, grad: Tensor, slots: list[Variable], state: Any) -> None:
        a, b = _ops()
        accum_grad, accum_update = slots
        rho, eps = self.rho, self.epsilon
        new_accum_grad = a.add(a.mul(accum_grad, rho), a.mul(b.square(grad), 1 - rho))
        update = a.mul(a.div(b.sqrt(a.add(accum_update, eps)), b.sqrt(a.add(accum_grad, eps))), grad)
        new_accum_update = a.add(a.mul(accum_update, rho), a.mul(b.square(update), 1 - rho))
        accum_grad.assign(new_accum_grad)
        accum_update.assign(new_accum_update)
        var.assign(a.add(a.mul(update, -self.learning_rate), var))

    def get_config(self) -> dict[str, Any]:
        return {"learningRate": self.learning_rate, "rho": self.rho, "epsilon": self.epsilon}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "AdadeltaOptimizer":
        return cls(config["learningRate"], config["rho"], config.get("epsilon"))


class AdamOptimizer(Optimizer):
    """Adam, with bias-corrected moments (beta^t tracked in float32 scalars, as TF.js does)."""
    class_name = "Adam"
    slot_names = ("m", "v")

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float | None = None) -> None:
        super().__init__()
        self.learning_rate = _number(learning_rate, "learning_rate", self.class_name)
        self.beta1 = _number(beta1, "beta1", self.class_name)
        self.beta2 = _number(beta2, "beta2", self.class_name)
        self.epsilon = EPSILON if epsilon is None else _number(epsilon, "epsilon", self.class_name)
        self._acc_beta1 = ENGINE.make_variable(self.beta1, False, None, "float32")
        self._acc_beta2 = ENGINE.make_variable(self.beta2, False, None, "float32")

    def _begin_step(self) -> Any:
        a, _ = _ops()
        return a.sub(1, self._acc_beta1), a.sub(1, self._acc_beta2)

    def _update(self, var: Variable, grad: Tensor, slots: list[Variable], state: Any) -> None:
        # TF.js's rule, as one fused kernel (TF's ApplyAdam):
        # m' = m b1 + g (1 - b1); v' = v b2 + g^2 (1 - b2); var' = -lr m'/(1-b1^t) / (sqrt(v'/(1-b2^t)) + eps) + var
        from ..ops._base import run
        m, v = slots
        one_minus_acc_beta1, one_minus_acc_beta2 = state
        new_var, new_m, new_v = run("ApplyAdam", (var, m, v, grad, one_minus_acc_beta1, one_minus_acc_beta2),
                                    {"learning_rate": float(self.learning_rate), "beta1": float(self.beta1),
                                     "beta2": float(self.beta2), "epsilon": float(self.epsilon)})
        m.assign(new_m)
        v.assign(new_v)
        var.assign(new_var)

    def _end_step(self, state: Any) -> None:
        a, _ = _ops()
        self._acc_beta1.assign(a.mul(self._acc_beta1, self.beta1))
        self._acc_beta2.assign(a.mul(self._acc_beta2, self.beta2))

    def set_weights(self, weights: Any) -> None:
        super().set_weights(weights)
        a, _ = _ops()
        with ENGINE.tidy("adam"):
            self._acc_beta1.assign(a.pow(self.beta1, float(self._iterations + 1)))
            self._acc_beta2.assign(a.pow(self.beta2, float(self._iterations + 1)))

    def dispose(self) -> None:
        ENGINE.dispose([self._acc_beta1, self._acc_beta2])
        super().dispose()

    def get_config(self) -> dict[str, Any]:
        return {"learningRate": self.learning_rate, "beta1": self.beta1, "beta2": self.beta2,
                "epsilon": self.epsilon}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "AdamOptimizer":
        return cls(config["learningRate"], config["beta1"], config["beta2"], config.get("epsilon"))


class AdamaxOptimizer(Optimizer):
    """Adamax: Adam with the infinity norm, and an optional learning-rate decay per step."""
    class_name = "Adamax"
    slot_names = ("m", "v")

    def __init__(self, learning_rate: float = 0.002, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float | None = None, decay: float = 0.0) -> None:
        super().__init__()
        self.learning_rate = _number(learning_rate, "learning_rate", self.class_name)
        self.beta1 = _number(beta1, "beta1", self.class_name)
        self.beta2 = _number(beta2, "beta2", self.class_name)
        self.epsilon = EPSILON if epsilon is None else _number(epsilon, "epsilon", self.class_name)
        self.decay = _number(decay, "decay", self.class_name)
        self._iteration = ENGINE.make_variable(0.0, False, None, "float32")
        self._acc_beta1 = ENGINE.make_variable(self.beta1, False, None, "float32")

    def _begin_step(self) -> Any:
        a, _ = _ops()
        one_minus_acc_beta1 = a.sub(1, self._acc_beta1)
        lr = a.div(-self.learning_rate, a.add(a.mul(self._iteration, self.decay), 1))
        return a.div(lr, one_minus_acc_beta1)

    def _update(self, var: Variable, grad: Tensor, slots: list[Variable], state: Any) -> None:
        a, b = _ops()
        m, u = slots
        new_m = a.add(a.mul(m, self.beta1), a.mul(grad, 1 - self.beta1))
        new_u = a.maximum(a.mul(u, self.beta2), b.abs(grad))
        m.assign(new_m)
        u.assign(new_u)
        var.assign(a.add(a.mul(state, a.div(new_m, a.add(new_u, self.epsilon))), var))

    def _end_step(self, state: Any) -> None:
        a, _ = _ops()
        self._iteration.assign(a.add(self._iteration, 1))
        self._acc_beta1.assign(a.mul(self._acc_beta1, self.beta1))

    def set_weights(self, weights: Any) -> None:
        # TF.js has no get/set weights for Adamax; these follow Adam's (the step count restores the
        # decay's iteration and beta1^t).
        super().set_weights(weights)
        a, _ = _ops()
        with ENGINE.tidy("adamax"):
            self._iteration.assign(float(self._iterations))
            self._acc_beta1.assign(a.pow(self.beta1, float(self._iterations + 1)))

    def dispose(self) -> None:
        ENGINE.dispose([self._iteration, self._acc_beta1])
        super().dispose()

    def get_config(self) -> dict[str, Any]:
        return {"learningRate": self.learning_rate, "beta1": self.beta1, "beta2": self.beta2,
                "epsilon": self.epsilon, "decay": self.decay}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "AdamaxOptimizer":
        return cls(config["learningRate"], config["beta1"], config["beta2"], config.get("epsilon"),
                   config.get("decay", 0.0))


class RMSPropOptimizer(Optimizer):
    """RMSProp, with momentum and the centered variant."""
    class_name = "RMSProp"

    def __init__(self, learning_rate: float, decay: float = 0.9, momentum: float = 0.0,
                 epsilon: float | None = None, centered: bool = False) -> None:
        super().__init__()
        if learning_rate is None:
            raise InvalidArgumentError("RMSProp: learning_rate must be given")
        self.learning_rate = _number(learning_rate, "learning_rate", self.class_name)
        self.decay = _number(decay, "decay", self.class_name)
        self.momentum = _number(momentum, "momentum", self.class_name)
        self.epsilon = EPSILON if epsilon is None else _number(epsilon, "epsilon", self.class_name)
        self.centered = bool(centered)
        self.slot_names = ("rms", "momentum", "mg") if self.centered else ("rms", "momentum")

    def _update(self, var: Variable, grad: Tensor, slots: list[Variable], state: Any) -> None:
        a, b = _ops()
        d, lr = self.decay, self.learning_rate
        ms, mom = slots[0], slots[1]
        new_ms = a.add(a.mul(ms, d), a.mul(b.square(grad), 1 - d))
        if self.centered:
            mg = slots[2]
            new_mg = a.add(a.mul(mg, d), a.mul(grad, 1 - d))
            denom = b.sqrt(a.sub(new_ms, a.add(b.square(new_mg), self.epsilon)))
            mg.assign(new_mg)
        else:
            denom = b.sqrt(a.add(new_ms, self.epsilon))
        new_mom = a.add(a.mul(mom, self.momentum), a.div(a.mul(grad, lr), denom))
        ms.assign(new_ms)
        mom.assign(new_mom)
        var.assign(a.sub(var, new_mom))

    def get_config(self) -> dict[str, Any]:
        return {"learningRate": self.learning_rate, "decay": self.decay, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "RMSPropOptimizer":
        return cls(config["learningRate"], config.get("decay", 0.9), config.get("momentum", 0.0),
                   config.get("epsilon"), config.get("centered", False))


# ---- the tw.train.* constructors (TF.js's OptimizerConstructors) -----------------------------------

def sgd(learning_rate: float) -> SGDOptimizer:
    return SGDOptimizer(learning_rate)


def momentum(learning_rate: float, momentum: float, use_nesterov: bool = False) -> MomentumOptimizer:
    return MomentumOptimizer(learning_rate, momentum, use_nesterov)


def adagrad(learning_rate: float, initial_accumulator_value: float = 0.1) -> AdagradOptimizer:
    return AdagradOptimizer(learning_rate, initial_accumulator_value)


def adadelta(learning_rate: float = 0.001, rho: float = 0.95, epsilon: float | None = None
             ) -> AdadeltaOptimizer:
    return AdadeltaOptimizer(learning_rate, rho, epsilon)


def adam(learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, epsilon: float | None = None
         ) -> AdamOptimizer:
    return AdamOptimizer(learning_rate, beta1, beta2, epsilon)


def adamax(learning_rate: float = 0.002, beta1: float = 0.9, beta2: float = 0.999, epsilon: float | None = None,
           decay: float = 0.0) -> AdamaxOptimizer:
    return AdamaxOptimizer(learning_rate, beta1, beta2, epsilon, decay)


def rmsprop(learning_rate: float, decay: float = 0.9, momentum: float = 0.0, epsilon: float | None = None,
            centered: bool = False) -> RMSPropOptimizer:
    return RMSPropOptimizer(learning_rate, decay, momentum, epsilon, centered)


#: class name (TF.js's className, as in saved configs) -> optimizer class
OPTIMIZER_CLASSES: dict[str, type[Optimizer]] = {
    c.class_name: c for c in (AdadeltaOptimizer, AdagradOptimizer, AdamOptimizer, AdamaxOptimizer,
                              MomentumOptimizer, RMSPropOptimizer, SGDOptimizer)}


def optimizer_from_config(class_name: str, config: dict[str, Any]) -> Optimizer:
    """Builds an optimizer from its TF.js class name ('Adam', 'SGD', ...) and config."""
    cls = OPTIMIZER_CLASSES.get(class_name)
    if cls is None:
        raise InvalidArgumentError(f"optimizer_from_config: unknown optimizer class {class_name!r}; known: "
                                   f"{sorted(OPTIMIZER_CLASSES)}")
    return cls.from_config(config)
