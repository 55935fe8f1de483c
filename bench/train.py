"""Training throughput (samples/s): tensorweb's Layers API vs PyTorch CPU eager vs TF.js (Node, cpu).

    bash scripts/bench train        # or: python bench/train.py [--samples N] [--epochs E]

Models (batch 128, Adam 1e-3, categorical cross-entropy, synthetic MNIST-shaped data):
  mlp: 784-256(relu)-10(softmax);  cnn: conv16(3x3 relu)-maxpool2-conv32(3x3 relu)-maxpool2-dense10.
Each library runs in its own process, one after another, after a warm-up epoch (TF.js's CNN on at most
512 of the samples: its cpu backend trains it at a few samples/s).
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def data(kind: str, n: int):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 784) if kind == "mlp" else (n, 28, 28, 1)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    return x, y


def run_tensorweb(kind: str, n: int, epochs: int) -> float:
    import tensorweb as tw
    L = tw.layers
    if kind == "mlp":
        model = L.Sequential([L.Input((784,)), L.Dense(256, activation="relu"), L.Dense(10, activation="softmax")])
    else:
        model = L.Sequential([L.Input((28, 28, 1)), L.Conv2D(16, 3, activation="relu"), L.MaxPooling2D(2),
                              L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
                              L.Dense(10, activation="softmax")])
    model.compile(optimizer=tw.train.adam(0.001), loss="categorical_crossentropy")
    x, y = data(kind, n)
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(x, y, batch_size=128, epochs=epochs, verbose=0, shuffle=False)
    return n * epochs / (time.perf_counter() - start)


def run_torch(kind: str, n: int, epochs: int) -> float:
    import torch
    from torch import nn
    if kind == "mlp":
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    else:
        model = nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 5 * 5, 10))
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x, y = data(kind, n)
    xt = torch.from_numpy(x if kind == "mlp" else np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    yt = torch.from_numpy(y.argmax(1))
    loss_fn = nn.CrossEntropyLoss()  # softmax + cross-entropy, as the others compute

    def epoch():
        for i in range(0, n, 128):
            opt.zero_grad()
            loss = loss_fn(model(xt[i:i + 128]), yt[i:i + 128])
            loss.backward()
            opt.step()
    epoch()
    start = time.perf_counter()
    for _ in range(epochs):
        epoch()
    return n * epochs / (time.perf_counter() - start)


def run_tfjs(kind: str, n: int, epochs: int) -> float:
    # TF.js's cpu backend trains the CNN at a few samples/s: 512 samples (4 batches) measure it well enough.
    n = min(n, 512) if kind == "cnn" else n
    out = subprocess.run(["node", str(HERE / "train_tfjs.js"), kind, str(n), str(epochs)], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)["samples_per_s"]


RUNNERS = {"tensorweb": run_tensorweb, "torch": run_torch, "tfjs": run_tfjs}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=2048)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--side", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.side:
        print(json.dumps(RUNNERS[args.side](args.model, args.samples, args.epochs)))
        return
    rows = []
    for kind in ("mlp", "cnn"):
        speeds = {}
        for side in RUNNERS:
            try:
                out = subprocess.run([sys.executable, __file__, "--side", side, "--model", kind, "--samples",
                                      str(args.samples), "--epochs", str(args.epochs)], capture_output=True,
                                     text=True, check=True).stdout
                speeds[side] = float(out.strip().splitlines()[-1])
            except (subprocess.CalledProcessError, ValueError, IndexError) as e:
                speeds[side] = float("nan")
                print(f"{side} {kind} failed: {getattr(e, 'stderr', e)}", file=sys.stderr)
        rows.append((kind, speeds))
    print(f"# training throughput, samples/s (higher is better); {args.samples} samples x {args.epochs} epochs, "
          f"batch 128, Adam; {platform.machine()}, Python {platform.python_version()}")
    print()
    print("| model | tensorweb | PyTorch eager | TF.js (Node cpu) | tensorweb / PyTorch | tensorweb / TF.js |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, s in rows:
        print(f"| {kind} | {s['tensorweb']:.0f} | {s['torch']:.0f} | {s['tfjs']:.0f} | "
              f"{s['tensorweb'] / s['torch']:.2f} | {s['tensorweb'] / s['tfjs']:.2f} |")


if __name__ == "__main__":
    main()
