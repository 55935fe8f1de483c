"""Callbacks: hook order, History, EarlyStopping (patience, restore_best_weights, baseline,
start_from_epoch), ModelCheckpoint, ReduceLROnPlateau, LearningRateScheduler, TerminateOnNaN, CSVLogger,
LambdaCallback."""
import csv

import numpy as np
import pytest

import tensorweb as tw
import tensorweb.layers  # noqa: F401
from tensorweb.errors import InvalidArgumentError
from tensorweb.layers import callbacks as C
from tensorweb.layers.core import Dense
from tensorweb.layers.functional import Input
from tensorweb.layers.sequential import Sequential


def _data(n=16):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)
    return x, y


def _model(lr=0.05):
    m = Sequential([Input((3,)), Dense(1)])
    m.compile(tw.train.sgd(lr), "mse")
    return m


class Recorder(C.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        if name.startswith("on_"):
            calls = object.__getattribute__(self, "calls")
            return lambda *a, **k: calls.append((name, a[0] if a and isinstance(a[0], int) else None))
        return object.__getattribute__(self, name)


def test_hook_order_and_params():
    x, y = _data(8)
    model = _model()
    rec = Recorder()
    model.fit(x, y, batch_size=4, epochs=2, validation_split=0.5, callbacks=[rec], verbose=0)
    names = [c[0] for c in rec.calls]
    assert names[0] == "on_train_begin" and names[-1] == "on_train_end"
    assert names[1:8] == ["on_epoch_begin", "on_train_batch_begin", "on_train_batch_end", "on_test_begin",
                          "on_test_batch_begin", "on_test_batch_end", "on_test_end"]
    assert names.count("on_epoch_end") == 2
    assert rec.params == {"verbose": 0, "epochs": 2, "steps": 1} and rec.model is model
    rec.calls.clear()
    model.predict(x, batch_size=4, callbacks=[rec], verbose=0)
    assert [c[0] for c in rec.calls] == ["on_predict_begin", "on_predict_batch_begin", "on_predict_batch_end",
                                         "on_predict_batch_begin", "on_predict_batch_end", "on_predict_end"]
    rec.calls.clear()
    model.evaluate(x, y, batch_size=8, callbacks=[rec], verbose=0)
    assert [c[0] for c in rec.calls] == ["on_test_begin", "on_test_batch_begin", "on_test_batch_end", "on_test_end"]


def test_history_and_lambda_callback():
    x, y = _data()
    model = _model()
    seen = []
    lam = C.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append((epoch, logs["loss"])),
                           on_train_batch_end=lambda batch, logs: seen.append(("batch", batch)))
    hist = model.fit(x, y, batch_size=8, epochs=3, callbacks=[lam], verbose=0)
    assert model.history is hist and hist.epoch == [0, 1, 2]
    assert [s for s in seen if s[0] != "batch"] == list(enumerate(hist.history["loss"]))
    assert seen[:2] == [("batch", 0), ("batch", 1)]
    assert hist.history["loss"][2] < hist.history["loss"][0]
    with pytest.raises(InvalidArgumentError, match="unknown hook"):
        C.LambdaCallback(on_epoch_finish=print)


class ScriptedLoss(C.Callback):
    """Overwrites the monitored value with a script (to drive monitoring callbacks exactly)."""

    def __init__(self, values, key="val_loss"):
        super().__init__()
        self.values, self.key = values, key

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


class WeightsAtEpochEnd(C.Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def test_early_stopping_patience_and_restore_best_weights():
    x, y = _data()
    model = _model()
    script = ScriptedLoss([5.0, 3.0, 4.0, 3.5, 3.2, 1.0, 0.5])
    snap = WeightsAtEpochEnd()
    es = C.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    hist = model.fit(x, y, batch_size=8, epochs=7, callbacks=[script, snap, es], verbose=0)
    assert hist.epoch == [0, 1, 2, 3, 4]  # best at epoch 1, three epochs without improvement
    assert es.stopped_epoch == 4 and es.best_epoch == 1 and es.best == 3.0
    for got, want in zip(model.get_weights(), snap.weights[1]):
        np.testing.assert_array_equal(got, want)
    # without restore_best_weights the last weights stay
    model2 = _model()
    snap2 = WeightsAtEpochEnd()
    model2.fit(x, y, batch_size=8, epochs=7, verbose=0,
               callbacks=[ScriptedLoss([5.0, 3.0, 4.0, 3.5, 3.2]), snap2, C.EarlyStopping(patience=3)])
    for got, want in zip(model2.get_weights(), snap2.weights[-1]):
        np.testing.assert_array_equal(got, want)


def test_early_stopping_min_delta_mode_baseline_start_from_epoch():
    x, y = _data()

    def run(values, **kw):
        model = _model()
        es = C.EarlyStopping(**kw)
        hist = model.fit(x, y, batch_size=16, epochs=len(values), verbose=0,
                         callbacks=[ScriptedLoss(values, kw.get("monitor", "val_loss")), es])
        return len(hist.epoch)

    assert run([1.0, 0.95, 0.9, 0.85, 0.8], min_delta=0.1, patience=2) == 3
    assert run([1.0, 0.95, 0.9, 0.85, 0.8], patience=2) == 5
    assert run([0.1, 0.2, 0.3, 0.4, 0.5], monitor="val_accuracy", mode="max", patience=1) == 5
    assert run([0.5, 0.4, 0.3, 0.2, 0.1], monitor="val_accuracy", mode="max", patience=1) == 2
    # improving epochs never stop training; a baseline keeps the wait running until it is beaten
    assert run([0.5, 0.4, 0.3, 0.2, 0.1], monitor="val_r", mode="min", baseline=0.25, patience=2) == 5
    assert run([0.5, 0.5, 0.5, 0.2, 0.1], monitor="val_r", mode="min", baseline=0.25, patience=2) == 2
    assert run([0.5, 0.5, 0.5, 0.2, 0.1], monitor="val_r", mode="min", patience=2) == 3
    assert run([0.5, 0.6, 0.7, 0.8, 0.9, 1.0], start_from_epoch=3, patience=1) == 5
    with pytest.raises(InvalidArgumentError, match="mode='max'"):
        run([1.0, 2.0], monitor="val_something")


def test_reduce_lr_on_plateau():
    x, y = _data()
    model = _model(lr=0.1)
    cb = C.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=0.02, cooldown=0)
    hist = model.fit(x, y, batch_size=16, epochs=6, verbose=0,
                     callbacks=[ScriptedLoss([1.0, 1.0, 1.0, 0.5, 0.5, 0.5]), cb])
    assert hist.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.05, 0.025, 0.025, 0.02])
    assert model.optimizer.learning_rate == pytest.approx(0.02)
    with pytest.raises(InvalidArgumentError, match="factor"):
        C.ReduceLROnPlateau(factor=2.0)


def test_learning_rate_scheduler_changes_the_updates():
    x, y = _data()
    model = _model(lr=0.1)
    lrs = []
    sched = C.LearningRateScheduler(lambda epoch, lr: 0.1 * 0.5 ** epoch)
    rec = C.LambdaCallback(on_epoch_begin=lambda e, logs: lrs.append(model.optimizer.learning_rate))
    hist = model.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[sched, rec])
    assert lrs == pytest.approx([0.1, 0.05, 0.025])
    assert hist.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.025])
    # one epoch, one batch, lr 0: nothing moves
    frozen = _model()
    before = frozen.get_weights()
    frozen.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[C.LearningRateScheduler(lambda e: 0.0)])
    for a, b in zip(before, frozen.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_terminate_on_nan(capsys):
    x, y = _data()
    y = y.copy()
    y[5] = np.nan
    model = _model()
    hist = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0, callbacks=[C.TerminateOnNaN()])
    assert len(hist.epoch) == 1 and model.optimizer.iterations == 2  # stops after the 2nd batch
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_csv_logger(tmp_path):
    x, y = _data()
    model = _model()
    path = tmp_path / "log.csv"
    hist = model.fit(x, y, batch_size=8, epochs=3, validation_split=0.25, verbose=0,
                     callbacks=[C.CSVLogger(str(path))])
    rows = list(csv.reader(open(path)))
    assert rows[0] == ["epoch", "loss", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "2"]
    np.testing.assert_allclose([float(r[1]) for r in rows[1:]], hist.history["loss"], rtol=1e-7)
    np.testing.assert_allclose([float(r[2]) for r in rows[1:]], hist.history["val_loss"], rtol=1e-7)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[C.CSVLogger(str(path), append=True,
                                                                                separator=";")])
    lines = open(path).read().strip().split("\n")
    assert len(lines) == 5 and lines[-1].startswith("0;")  # no second header


def test_model_checkpoint(tmp_path):
    x, y = _data()
    model = _model()
    pattern = str(tmp_path / "w-{epoch:02d}-{val_loss:.2f}.npz")
    script = ScriptedLoss([3.0, 2.0, 2.5])
    cb = C.ModelCheckpoint(pattern, save_best_only=True, save_weights_only=True)
    snap = WeightsAtEpochEnd()
    model.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[script, snap, cb])
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["w-01-3.00.npz", "w-02-2.00.npz"]  # epoch 3 did not improve
    saved = np.load(tmp_path / "w-02-2.00.npz")
    for i, want in enumerate(snap.weights[1]):
        np.testing.assert_array_equal(saved[f"arr_{i}"], want)
    every = C.ModelCheckpoint(str(tmp_path / "all" / "e{epoch}.npz"), save_weights_only=True)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[every])
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["e1.npz", "e2.npz"]
    with pytest.raises(InvalidArgumentError, match="not in the logs"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[C.ModelCheckpoint(str(tmp_path / "{nope}.npz"))])
