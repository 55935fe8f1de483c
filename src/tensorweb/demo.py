"""The main job (README's first command): Fisher's Iris flowers (bundled) classified twice, first with a
network written with the Ops API and trained with autodiff and an optimizer, then with the Layers API
(Keras-style Sequential, compile, fit with a progress bar, evaluate, predict).

    python -m tensorweb.demo [--epochs N] [--seed S]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import tensorweb as tw
from tensorweb.data import IRIS_SPECIES, iris


def split(x: np.ndarray, y: np.ndarray, test_per_class: int, seed: int):
    rng = np.random.default_rng(seed)
    test = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:test_per_class] for c in range(3)])
    train = np.setdiff1d(np.arange(len(y)), test)
    return x[train], y[train], x[test], y[test]


def ops_api(x_train, y_train, x_test, y_test, epochs: int, seed: int) -> float:
    """A 4-16-3 network written with ops; weights are Variables (Glorot-uniform), trained with Adam."""
    xs = tw.tensor(x_train)
    ys = tw.one_hot(tw.tensor(y_train), 3, dtype="float32")
    rng = np.random.default_rng(seed)

    def glorot(n_in: int, n_out: int, name: str) -> tw.Variable:
        limit = np.sqrt(6.0 / (n_in + n_out))
        return tw.variable(rng.uniform(-limit, limit, (n_in, n_out)).astype(np.float32), name=name)
    w1, b1 = glorot(4, 16, "w1"), tw.variable(tw.zeros([16]), name="b1")
    w2, b2 = glorot(16, 3, "w2"), tw.variable(tw.zeros([3]), name="b2")

    def logits(inputs: tw.Tensor) -> tw.Tensor:
        return tw.mat_mul(tw.relu(tw.mat_mul(inputs, w1) + b1), w2) + b2

    def loss() -> tw.Tensor:
        return tw.losses.softmax_cross_entropy(ys, logits(xs))

    optimizer = tw.train.adam(0.02)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        cost = optimizer.minimize(loss, return_cost=True)
        if epoch == 1 or epoch % 100 == 0:
            acc = tw.tidy(lambda: tw.mean(tw.cast(tw.equal(tw.arg_max(logits(xs), 1),
                                                          tw.tensor(y_train)), "float32")).item())
            print(f"  step {epoch:4d}   loss {cost.item():.4f}   train accuracy {acc:.3f}")
    seconds = time.perf_counter() - start
    pred = tw.arg_max(logits(tw.tensor(x_test)), 1).numpy()
    acc = float((pred == y_test).mean())
    grads = tw.profile(lambda: tw.variable_grads(loss))
    print(f"  {epochs} steps in {seconds:.2f} s; held-out accuracy {acc:.3f} ({int((pred == y_test).sum())}/"
          f"{len(y_test)}); one gradient step runs {len(grads.kernels)} kernels, peak "
          f"{grads.peak_bytes / 1024:.1f} KiB")
    tw.dispose([w1, b1, w2, b2])
    return acc


def layers_api(x_train, y_train, x_test, y_test, epochs: int, seed: int) -> float:
    """The same task with tw.layers: Sequential, compile, fit, evaluate, predict."""
    L = tw.layers
    tw.set_random_seed(seed)
    model = L.Sequential([L.Input((4,), name="measurements"), L.Dense(16, activation="relu", name="hidden"),
                          L.Dense(3, activation="softmax", name="species")], name="iris_classifier")
    model.compile(optimizer=tw.train.adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary()
    history = model.fit(x_train, y_train, batch_size=16, epochs=epochs, validation_split=0.15, verbose=1)
    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    probs = model.predict(x_test[:3], verbose=0)
    print(f"  held-out loss {loss:.4f}, accuracy {acc:.3f}; best validation accuracy "
          f"{max(history.history['val_accuracy']):.3f}")
    for p, truth in zip(probs, y_test[:3]):
        print(f"  predicted {IRIS_SPECIES[int(p.argmax())]:<10} ({p.max():.0%}), truly {IRIS_SPECIES[truth]}")
    return float(acc)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=300, help="steps of the Ops API part (the Layers API part "
                                                           "trains epochs // 10 epochs)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    x, y = iris()
    x_train, y_train, x_test, y_test = split(x, y, test_per_class=10, seed=args.seed)
    mean, std = x_train.mean(0), x_train.std(0)
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    print(f"tensorweb {tw.__version__} on backend '{tw.get_backend()}': Fisher's Iris, {len(y_train)} flowers "
          f"to learn from, {len(y_test)} held out; 4 measurements -> 3 species\n")
    print("1. Ops API: a network written with tw ops, trained with tw.train.adam and autodiff")
    ops_acc = ops_api(x_train, y_train, x_test, y_test, args.epochs, args.seed)
    print("\n2. Layers API: the same task, Keras-style")
    layers_acc = layers_api(x_train, y_train, x_test, y_test, max(args.epochs // 10, 1), args.seed)
    print(f"\nheld-out accuracy: ops API {ops_acc:.3f}, layers API {layers_acc:.3f}; "
          f"tensors alive at the end: {tw.memory().num_tensors}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
