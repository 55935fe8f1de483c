"""Times a fixed set of ops and shapes in tensorweb (NumPy backend) and PyTorch CPU, in one process.

    bash scripts/bench            # sets up .venv with the [bench] extra, then runs this
    python bench/ops.py [--repeat N] [--markdown]

Each row: the median of N warm runs for each library on the same input values (PyTorch convolutions
and pools use its native NCHW layout, tensorweb NHWC as TF.js). ratio = tensorweb ms / PyTorch ms.
Each library is timed in its own child process, one after the other: in one process, OpenBLAS's and
PyTorch's OpenMP worker threads spin against each other on 2 cores and distort both sides.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import statistics
import time
from typing import Callable

import numpy as np

import tensorweb as tw

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the table still shows tensorweb's times
    torch = None


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def cases(rng: np.random.Generator):
    """(op, shape text, tensorweb fn, torch fn) for each benchmarked op."""
    def f32(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    def nchw(a):
        return torch.from_numpy(np.ascontiguousarray(a.transpose(0, 3, 1, 2)))

    def hwio_to_oihw(w):
        return torch.from_numpy(np.ascontiguousarray(w.transpose(3, 2, 0, 1)))

    out = []
    a, b = f32(256, 256), f32(256, 256)
    ta, tb = tw.tensor(a), tw.tensor(b)
    out.append(("mat_mul", "256x256 @ 256x256", lambda: tw.mat_mul(ta, tb),
                lambda: torch.from_numpy(a) @ torch.from_numpy(b)))
    a, b = f32(1024, 1024), f32(1024, 1024)
    ta2, tb2 = tw.tensor(a), tw.tensor(b)
    pa2, pb2 = (torch.from_numpy(a), torch.from_numpy(b)) if torch else (None, None)
    out.append(("mat_mul", "1024x1024 @ 1024x1024", lambda: tw.mat_mul(ta2, tb2), lambda: pa2 @ pb2))
    x = f32(1_000_000)
    tx = tw.tensor(x)
    px = torch.from_numpy(x) if torch else None
    out.append(("add", "1e6 + scalar", lambda: tx + 1.0, lambda: px + 1.0))
    out.append(("relu", "1e6", lambda: tw.relu(tx), lambda: torch.relu(px)))
    out.append(("sigmoid", "1e6", lambda: tw.sigmoid(tx), lambda: torch.sigmoid(px)))
    out.append(("sum", "1e6 -> scalar", lambda: tw.sum(tx), lambda: px.sum()))
    m = f32(512, 1000)
    tm = tw.tensor(m)
    pm = torch.from_numpy(m) if torch else None
    out.append(("softmax", "512x1000, last axis", lambda: tw.softmax(tm), lambda: torch.softmax(pm, -1)))
    out.append(("transpose then add 1", "512x1000", lambda: tw.transpose(tm) + 1.0, lambda: pm.t() + 1.0))

    convs = [("conv2d 3x3 same", (1, 56, 56, 64), (3, 3, 64, 64), 1),
             ("conv2d 1x1", (1, 28, 28, 128), (1, 1, 128, 256), 1),
             ("conv2d 3x3 stride 2", (8, 32, 32, 32), (3, 3, 32, 64), 2)]
    for name, xs, ws, stride in convs:
        xv, wv = f32(*xs), f32(*ws)
        tx_, tw_ = tw.tensor(xv), tw.tensor(wv)
        px_, pw_ = (nchw(xv), hwio_to_oihw(wv)) if torch else (None, None)
        pad = ws[0] // 2
        out.append((name, f"x{list(xs)} w{list(ws)}",
                    lambda tx_=tx_, tw_=tw_, stride=stride: tw.conv2d(tx_, tw_, stride, "same"),
                    lambda px_=px_, pw_=pw_, stride=stride, pad=pad: F.conv2d(px_, pw_, stride=stride,
                                                                               padding=pad)))
    xv, wv = f32(1, 112, 112, 32), f32(3, 3, 32, 1)
    tx3, tw3 = tw.tensor(xv), tw.tensor(wv)
    if torch:
        px3 = nchw(xv)
        pw3 = torch.from_numpy(np.ascontiguousarray(wv.transpose(2, 3, 0, 1)))
    out.append(("depthwise_conv2d 3x3", "x[1,112,112,32]", lambda: tw.depthwise_conv2d(tx3, tw3, 1, "same"),
                lambda: F.conv2d(px3, pw3, padding=1, groups=32)))
    xv = f32(1, 112, 112, 64)
    tx4 = tw.tensor(xv)
    px4 = nchw(xv) if torch else None
    out.append(("max_pool 3x3 s2", "x[1,112,112,64]", lambda: tw.max_pool(tx4, 3, 2, "valid"),
                lambda: F.max_pool2d(px4, 3, 2)))
    out.append(("avg_pool 2x2 s2", "x[1,112,112,64]", lambda: tw.avg_pool(tx4, 2, 2, "valid"),
                lambda: F.avg_pool2d(px4, 2, 2)))
    xv = f32(1, 224, 224, 3)
    tx5 = tw.tensor(xv)
    px5 = nchw(xv) if torch else None
    out.append(("resize_bilinear", "[1,224,224,3] -> 448x448",
                lambda: tw.image.resize_bilinear(tx5, [448, 448], False, True),
                lambda: F.interpolate(px5, size=(448, 448), mode="bilinear", align_corners=False)))
    mean, var = f32(64), np.abs(f32(64)) + 0.5
    tmean, tvar = tw.tensor(mean), tw.tensor(var)
    out.append(("batch_norm", "x[1,112,112,64]", lambda: tw.batch_norm(tx4, tmean, tvar),
                lambda: F.batch_norm(px4, torch.from_numpy(mean), torch.from_numpy(var), eps=1e-3)))
    xs = f32(64, 32)
    txs = tw.tensor(xs)
    pxs = torch.from_numpy(xs).requires_grad_() if torch else None

    def tw_grad():
        return tw.grad(lambda v: tw.sum(tw.tanh(tw.mat_mul(v, tw.transpose(v)))))(txs)

    def torch_grad():
        y = torch.tanh(pxs @ pxs.t()).sum()
        return torch.autograd.grad(y, pxs)
    out.append(("grad of sum(tanh(x x^T))", "x[64,32]", tw_grad, torch_grad))
    small_a, small_b = tw.tensor(f32(4, 4)), tw.tensor(f32(4, 4))
    if torch:
        psa, psb = torch.from_numpy(f32(4, 4)), torch.from_numpy(f32(4, 4))
    out.append(("add (per-op overhead)", "4x4 + 4x4", lambda: small_a + small_b, lambda: psa + psb))
    return out


def time_side(side: str, repeat: int) -> list[tuple[str, str, float]]:
    rows = []
    for name, shape, tw_fn, torch_fn in cases(np.random.default_rng(0)):
        rows.append((name, shape, median_ms(tw_fn if side == "tensorweb" else torch_fn, repeat)))
    return rows


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--side", choices=["tensorweb", "torch"], help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.side:
        json.dump(time_side(args.side, args.repeat), sys.stdout)
        return
    sides = ["tensorweb"] + (["torch"] if torch else [])
    timed = {}
    for side in sides:
        out = subprocess.run([sys.executable, __file__, "--side", side, "--repeat", str(args.repeat)],
                             capture_output=True, text=True, check=True).stdout
        timed[side] = json.loads(out)
    peer = f"PyTorch {torch.__version__}" if torch else "PyTorch (not installed)"
    print(f"# tensorweb {tw.__version__} (NumPy {np.__version__}) vs {peer}, {platform.machine()}, "
          f"Python {platform.python_version()}, median of {args.repeat} warm runs, each library in its own "
          f"process")
    print()
    print("| op | shape | tensorweb ms | PyTorch ms | ratio |")
    print("|---|---|---:|---:|---:|")
    for i, (name, shape, a) in enumerate(timed["tensorweb"]):
        b = timed["torch"][i][2] if "torch" in timed else float("nan")
        print(f"| {name} | {shape} | {a:.3f} | {b:.3f} | {a / b:.2f} |")


if __name__ == "__main__":
    main()
