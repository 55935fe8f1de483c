"""Callbacks, Keras 3-compatible: hooks called by fit/evaluate/predict, and the built-in ones (History,
EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, LearningRateScheduler, TerminateOnNaN, CSVLogger,
LambdaCallback, ProgbarLogger).

ModelCheckpoint saves through model.save: a TF.js layers model folder (model.json + shards) by default, a
Keras file when the path ends in .keras or .h5; with save_weights_only it writes the weights
(model.get_weights(), in Keras order) as a NumPy .npz archive (arrays arr_0, arr_1, ...).
"""
from __future__ import annotations

import collections
import csv
import inspect
import os
import sys
import warnings
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import InvalidArgumentError
from .progress import Progbar

__all__ = ["Callback", "CallbackList", "History", "EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau",
           "LearningRateScheduler", "TerminateOnNaN", "CSVLogger", "LambdaCallback", "ProgbarLogger"]


def _print(msg: str) -> None:
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


class Callback:
    """Base class: override any of the hooks. `self.model` and `self.params` ({'verbose', 'epochs',
    'steps'}) are set by the training loop."""

    def __init__(self) -> None:
        self.params: dict = {}
        self.model: Any = None

    def set_params(self, params: dict) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """A backwards-compatibility alias of on_train_batch_begin."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """A backwards-compatibility alias of on_train_batch_end."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None: ...

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...
    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None: ...
    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...
    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None: ...
    def on_train_begin(self, logs: dict | None = None) -> None: ...
    def on_train_end(self, logs: dict | None = None) -> None: ...
    def on_test_begin(self, logs: dict | None = None) -> None: ...
    def on_test_end(self, logs: dict | None = None) -> None: ...
    def on_predict_begin(self, logs: dict | None = None) -> None: ...
    def on_predict_end(self, logs: dict | None = None) -> None: ...


_HOOKS = ["on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
          "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end", "on_train_begin", "on_train_end",
          "on_test_begin", "on_test_end", "on_predict_begin", "on_predict_end"]


class CallbackList(Callback):
    """Several callbacks called in order; adds a ProgbarLogger first (when add_progbar) and History last
    (when add_history), as Keras does."""

    def __init__(self, callbacks: Sequence[Callback] | None = None, add_history: bool = False,
                 add_progbar: bool = False, model: Any = None, **params: Any) -> None:
        super().__init__()
        self.callbacks = list(callbacks or [])
        for c in self.callbacks:
            if not isinstance(c, Callback):
                raise InvalidArgumentError(f"callbacks must be Callback instances, got {type(c).__name__}")
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if add_progbar and self._progbar is None:
            self._progbar = ProgbarLogger()
            self.callbacks.insert(0, self._progbar)
        if add_history and self._history is None:
            self._history = History()
            self.callbacks.append(self._history)
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_params(self, params: dict) -> None:
        self.params = params
        for c in self.callbacks:
            c.set_params(params)

    def set_model(self, model: Any) -> None:
        self.model = model
        for c in self.callbacks:
            c.set_model(model)

    def __iter__(self):
        return iter(self.callbacks)


def _make_dispatch(hook: str) -> Callable:
    takes_index = not hook.endswith(("_train_begin", "_train_end", "_test_begin", "_test_end", "_predict_begin",
                                     "_predict_end"))

    def dispatch(self: CallbackList, *args: Any, logs: dict | None = None) -> None:
        if takes_index:
            index, rest = (args[0], args[1:]) if args else (0, ())
            logs = rest[0] if rest else logs
            for c in self.callbacks:
                getattr(c, hook)(index, logs)
        else:
            logs = args[0] if args else logs
            for c in self.callbacks:
                getattr(c, hook)(logs)
    dispatch.__name__ = hook
    return dispatch


for _hook in _HOOKS:
    setattr(CallbackList, _hook, _make_dispatch(_hook))


class History(Callback):
    """Records every epoch's logs: `history` is {name: [value per epoch]}, `epoch` the epoch indices.
    fit returns it (and sets model.history)."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None:
            self.model.history = self


class ProgbarLogger(Callback):
    """Prints a progress bar per epoch (verbose=1) or a line per epoch (verbose=2) on stdout."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0
        self.progbar: Progbar | None = None
        self.target: int | None = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params: dict) -> None:
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._called_in_fit = True

    def on_test_begin(self, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._reset()
            self._maybe_init()

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._reset()
        self._maybe_init()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._reset()
        self._maybe_init()
        if self.verbose and self.epochs > 1:
            _print(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._update(batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._update(batch, None)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._finalize(logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._finalize(logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._finalize(logs)

    def _reset(self) -> None:
        self.seen = 0
        self.progbar = None

    def _maybe_init(self) -> None:
        if self.progbar is None:
            self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step")

    def _update(self, batch: int, logs: dict | None) -> None:
        self._maybe_init()
        self.seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finalize(self, logs: dict | None) -> None:
        self._maybe_init()
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.target
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)


# ---- monitoring callbacks --------------------------------------------------------------------------

class _MonitorCallback(Callback):
    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline: float | None = None,
                 min_delta: float = 0) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode {mode!r} is unknown, fallback to auto mode.", stacklevel=3)
            mode = "auto"
        self.monitor, self.mode = monitor, mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op: Callable | None = None

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = np.less
        elif self.mode == "max":
            self.monitor_op = np.greater
        else:
            name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
            if name == "loss" or name.endswith("_loss"):
                self.monitor_op = np.less
            for m in getattr(self.model, "metrics", None) or []:
                if getattr(m, "name", None) == name and getattr(m, "_direction", None):
                    self.monitor_op = np.greater if m._direction == "up" else np.less
            if self.monitor_op is None:
                raise InvalidArgumentError(
                    f"{type(self).__name__}: cannot tell whether monitor={self.monitor!r} should be maximized or "
                    f"minimized; pass mode='max' or mode='min'")
        if self.monitor_op is np.less:
            self.min_delta *= -1

    def _is_improvement(self, value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        return bool(self.monitor_op(value - self.min_delta, reference))


class EarlyStopping(_MonitorCallback):
    """Stops training when `monitor` has stopped improving for `patience` epochs (after start_from_epoch);
    with restore_best_weights, puts back the weights of the best epoch at the end."""

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: float | None = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0) -> None:
        super().__init__(monitor, mode, baseline, min_delta)
        self.patience, self.verbose, self.baseline = patience, verbose, baseline
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0
        self.best = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            _print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                _print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: dict | None) -> float | None:
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                          f"Available metrics are: {','.join(logs)}", stacklevel=2)
        return value


class ModelCheckpoint(_MonitorCallback):
    """Saves the model with model.save (a TF.js model folder, or a .keras/.h5 file by extension; with
    save_weights_only its weights as a .npz archive) after every epoch or every `save_freq` batches, or only
    when `monitor` improves (save_best_only). filepath may contain '{epoch}' and '{<log name>}' fields
    ('{epoch:02d}')."""

    def __init__(self, filepath: str, monitor: str = "val_loss", verbose: int = 0, save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto", save_freq: Any = "epoch",
                 initial_value_threshold: float | None = None) -> None:
        super().__init__(monitor, mode, initial_value_threshold)
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise InvalidArgumentError(f"ModelCheckpoint: save_freq must be 'epoch' or an integer number of "
                                       f"batches, got {save_freq!r}")
        self.filepath = os.fspath(filepath)
        self.verbose, self.save_best_only, self.save_weights_only = verbose, save_best_only, save_weights_only
        self.save_freq = save_freq
        self._batches_seen = 0
        self._current_epoch = 0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if isinstance(self.save_freq, int):
            self._batches_seen += 1
            if self._batches_seen % self.save_freq == 0:
                self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.monitor_op is None and self.save_best_only:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _path(self, epoch: int, batch: int | None, logs: dict | None) -> str:
        logs = dict(logs or {})
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise InvalidArgumentError(f"ModelCheckpoint: filepath {self.filepath!r} names {e} which is not in "
                                       f"the logs ({', '.join(logs)})") from None

    def _save(self, epoch: int, batch: int | None, logs: dict | None) -> None:
        logs = logs or {}
        path = self._path(epoch, batch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
                return
            if not self._is_improvement(current, self.best):
                if self.verbose > 0:
                    _print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
                return
            if self.verbose > 0:
                prev = "inf" if self.best is None and self.monitor_op is np.less else \
                    ("-inf" if self.best is None else f"{self.best:.5f}")
                _print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {prev} to {current:.5f}, saving model "
                       f"to {path}")
            self.best = current
        elif self.verbose > 0:
            _print(f"\nEpoch {epoch + 1}: saving model to {path}")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if not self.save_weights_only:
            self.model.save(path)
            return
        with open(path, "wb") as f:
            np.savez(f, *self.model.get_weights())


class ReduceLROnPlateau(_MonitorCallback):
    """Multiplies the optimizer's learning rate by `factor` when `monitor` has not improved for `patience`
    epochs (then waits `cooldown` epochs), never below min_lr. Adds 'learning_rate' to the logs."""

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__(monitor, mode, None, min_delta)
        if factor >= 1.0:
            raise InvalidArgumentError(f"ReduceLROnPlateau does not support a factor >= 1.0, got {factor}")
        self.factor, self.min_lr, self.patience = factor, min_lr, patience
        self.verbose, self.cooldown = verbose, cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not "
                          f"available. Available metrics are: {','.join(logs)}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(optimizer.learning_rate)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        _print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch to schedule(epoch, lr) (or schedule(epoch))."""

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        optimizer = self.model.optimizer
        lr = float(optimizer.learning_rate)
        try:
            params = inspect.signature(self.schedule).parameters
            two = len(params) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params.values())
        except (TypeError, ValueError):
            two = True
        lr = self.schedule(epoch, lr) if two else self.schedule(epoch)
        if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating, np.integer)):
            raise InvalidArgumentError(f"LearningRateScheduler: the schedule must return a number, got {lr!r}")
        optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            _print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(lr)}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch's loss is NaN or infinite."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            _print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class CSVLogger(Callback):
    """Writes one CSV row per epoch: 'epoch' then the logs' keys in sorted order."""

    def __init__(self, filename: str, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.sep, self.filename, self.append = separator, os.fspath(filename), append
        self.writer: Any = None
        self.keys: list[str] | None = None
        self.append_header = True
        self.csv_file: Any = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}

        def handle(k: Any) -> Any:
            is_zero_dim = isinstance(k, np.ndarray) and k.ndim == 0
            if isinstance(k, str):
                return k
            if isinstance(k, collections.abc.Iterable) and not is_zero_dim:
                return f"\"[{', '.join(map(str, k))}]\""
            return k
        if self.keys is None:
            self.keys = sorted(logs.keys())
            val_keys = [k for k in self.keys if k.startswith("val_")]
            self.keys = [k for k in self.keys if not k.startswith("val_")] + val_keys
        if self.model is not None and getattr(self.model, "stop_training", False):
            logs = {k: logs.get(k, "NA") for k in self.keys}
        if not self.writer:
            class Dialect(csv.excel):
                delimiter = self.sep
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys, dialect=Dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((k, handle(logs.get(k, "NA"))) for k in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.csv_file is not None:
            self.csv_file.close()
            self.csv_file = None
        self.writer = None


class LambdaCallback(Callback):
    """A callback from plain functions: on_epoch_begin(epoch, logs), on_epoch_end(epoch, logs),
    on_train_begin(logs), on_train_end(logs), on_train_batch_begin(batch, logs),
    on_train_batch_end(batch, logs), and any other hook by name."""

    def __init__(self, on_epoch_begin: Callable | None = None, on_epoch_end: Callable | None = None,
                 on_train_begin: Callable | None = None, on_train_end: Callable | None = None,
                 on_train_batch_begin: Callable | None = None, on_train_batch_end: Callable | None = None,
                 **kwargs: Any) -> None:
        super().__init__()
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end, on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        for name, fn in given.items():
            if fn is None:
                continue
            if name not in _HOOKS and name not in ("on_batch_begin", "on_batch_end"):
                raise InvalidArgumentError(f"LambdaCallback: unknown hook {name!r}; hooks: {', '.join(_HOOKS)}")
            setattr(self, name, fn)
