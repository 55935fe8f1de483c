"""The main job (README's first command): a classifier written with the Ops API, trained with autodiff and
an optimizer on Fisher's Iris data (bundled), then checked on held-out flowers.

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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    x, y = iris()
    x_train, y_train, x_test, y_test = split(x, y, test_per_class=10, seed=args.seed)
    mean, std = x_train.mean(0), x_train.std(0)
    xs = tw.tensor((x_train - mean) / std)
    ys = tw.one_hot(tw.tensor(y_train), 3, dtype="float32")
    print(f"tensorweb {tw.__version__} on backend '{tw.get_backend()}': Iris, {len(y_train)} flowers to train "
          f"on, {len(y_test)} held out, 4 measurements -> 3 species")

    # A 4-16-3 network written with ops; weights are Variables, initialized like Keras' glorot_uniform.
    rng = np.random.default_rng(args.seed)
    def glorot(n_in: int, n_out: int, name: str) -> tw.Variable:
        limit = np.sqrt(6.0 / (n_in + n_out))
        return tw.variable(rng.uniform(-limit, limit, (n_in, n_out)).astype(np.float32), name=name)
    w1, b1 = glorot(4, 16, "w1"), tw.variable(tw.zeros([16]), name="b1")
    w2, b2 = glorot(16, 3, "w2"), tw.variable(tw.zeros([3]), name="b2")

    def logits(inputs: tw.Tensor) -> tw.Tensor:
        hidden = tw.relu(tw.mat_mul(inputs, w1) + b1)
        return tw.mat_mul(hidden, w2) + b2

    def loss() -> tw.Tensor:
        return tw.losses.softmax_cross_entropy(ys, logits(xs))

    optimizer = tw.train.adam(0.02)
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        cost = optimizer.minimize(loss, return_cost=True)
        if epoch == 1 or epoch % 50 == 0:
            acc = tw.tidy(lambda: tw.mean(tw.cast(tw.equal(tw.arg_max(logits(xs), 1),
                                                          tw.tensor(y_train)), "float32")).item())
            print(f"  epoch {epoch:4d}   loss {cost.item():.4f}   train accuracy {acc:.3f}")
    seconds = time.perf_counter() - start

    pred = tw.arg_max(logits(tw.tensor((x_test - mean) / std)), 1).numpy()
    test_acc = float((pred == y_test).mean())
    print(f"trained {args.epochs} epochs in {seconds:.2f} s ({args.epochs / seconds:.0f} steps/s)")
    print(f"held-out accuracy: {test_acc:.3f} ({int((pred == y_test).sum())}/{len(y_test)} flowers)")
    wrong = np.flatnonzero(pred != y_test)
    for i in wrong:
        print(f"  missed: {[round(float(v), 1) for v in x_test[i]]} cm is {IRIS_SPECIES[y_test[i]]}, "
              f"predicted {IRIS_SPECIES[pred[i]]}")
    grads = tw.profile(lambda: tw.variable_grads(loss))
    print(f"one gradient step runs {len(grads.kernels)} kernels, peak {grads.peak_bytes / 1024:.1f} KiB; "
          f"tensors alive now: {tw.memory().num_tensors}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
