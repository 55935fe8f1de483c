"""`tensorweb detect faces`, `pose`, `hands`, `segment` and `models`: the zoo's pretrained models on a photo,
printing what they found (image pixels) and optionally drawing it into a PNG; and the catalogue with the
cache state of each model. `detect faces` can add each face's mesh and irises (--mesh), expression
(--emotion), age and gender (--age-gender); `pose --model blazepose[-lite|-heavy]` gives 33 landmarks."""
from __future__ import annotations

import argparse

import numpy as np

from ..zoo import agegender, blazeface, blazepose, catalogue, emotion, facemesh, hands, movenet, posenet, segmentation
from ..zoo._common import COCO_SKELETON
from ..zoo._image import to_rgb


def _save_drawing(path: str | None, rgb: np.ndarray, results: list, edges=()) -> None:
    if path:
        from ..vis.draw import draw_results
        from ..vis.image import save_image
        save_image(draw_results(rgb, results, edges), path)
        print(f"wrote {path}")


def _box(b) -> str:
    return f"box x={b.x:.0f} y={b.y:.0f} w={b.width:.0f} h={b.height:.0f}"


def _points(points: dict, indent: str = "    ") -> list[str]:
    return [f"{indent}{p.name:<18} x={p.x:6.1f} y={p.y:6.1f}" + (f"  score {p.score:.2f}" if p.score is not None
                                                                  else "") for p in points.values()]


def _face_attributes(args: argparse.Namespace, rgb: np.ndarray, faces: list) -> list[str]:
    """One line per face: its expression and/or age and gender ('' when neither was asked for)."""
    lines = [""] * len(faces)
    if args.emotion:
        with emotion.load() as classifier:
            for i, face in enumerate(faces):
                e = classifier.classify(rgb, face)
                lines[i] += f"{e.label} {e.score:.2f}"
    if args.age_gender:
        with agegender.load() as estimator:
            for i, face in enumerate(faces):
                r = estimator.estimate(rgb, face)
                lines[i] += f"{'  ' if lines[i] else ''}{r.gender} {r.gender_score:.2f}, age {r.age:.0f}"
    return lines


def detect(args: argparse.Namespace) -> int:
    rgb = to_rgb(args.photo)
    detector = blazeface.load(model=args.model, score_threshold=args.threshold)
    with (facemesh.load(detector=detector) if args.mesh else detector) as model:
        faces = model.estimate(rgb) if args.mesh else model.detect(rgb)
    attributes = _face_attributes(args, rgb, faces)
    print(f"{args.photo}: {len(faces)} face(s) ({args.model}{', mesh' if args.mesh else ''})")
    for i, (f, attr) in enumerate(zip(faces, attributes), 1):
        print(f"  face {i}: score {f.score:.3f}  {_box(f.box)}" + (f"  {attr}" if attr else ""))
        print("\n".join(_points(f.landmarks)))
        for side, iris in getattr(f, "irises", {}).items():
            print(f"    {side} iris radius {iris.radius:.1f} px")
    if args.draw:
        from ..vis.draw import draw_boxes, draw_mesh, draw_results
        from ..vis.image import save_image
        out = draw_mesh(rgb, faces) if args.mesh else draw_results(rgb, faces)
        if any(attributes):
            out = draw_boxes(out, [f.box for f in faces], attributes)
        save_image(out, args.draw)
        print(f"wrote {args.draw}")
    return 0


def pose(args: argparse.Namespace) -> int:
    rgb = to_rgb(args.photo)
    if args.model == "posenet":
        model, skeleton = posenet.load(), COCO_SKELETON
    elif args.model in _BLAZEPOSE:
        model, skeleton = blazepose.load(_BLAZEPOSE[args.model]), blazepose.SKELETON
    else:
        model, skeleton = movenet.load(args.model), COCO_SKELETON
    with model:
        poses = model.estimate(rgb)
    print(f"{args.photo}: {len(poses)} pose(s) ({args.model})")
    for i, p in enumerate(poses, 1):
        print(f"  pose {i}: score {p.score:.3f}" + (f"  {_box(p.box)}" if p.box else ""))
        print("\n".join(_points(p.keypoints)))
    _save_drawing(args.draw, rgb, poses, skeleton)
    return 0


_BLAZEPOSE = {"blazepose": "full", "blazepose-lite": "lite", "blazepose-full": "full", "blazepose-heavy": "heavy"}


def hands_command(args: argparse.Namespace) -> int:
    rgb = to_rgb(args.photo)
    with hands.load(args.model, score_threshold=args.threshold) as detector:
        found = detector.detect(rgb)
    print(f"{args.photo}: {len(found)} detection(s) ({args.model}, score >= {args.threshold})")
    for i, h in enumerate(found, 1):
        print(f"  {i}: {h.label:<9} score {h.score:.3f}  {_box(h.box)}")
    _save_drawing(args.draw, rgb, found)
    return 0


def segment(args: argparse.Namespace) -> int:
    from ..vis.image import save_image
    rgb = to_rgb(args.photo)
    with segmentation.load(args.model) as segmenter:
        mask = segmenter.segment(rgb).mask
        print(f"{args.photo}: person covers {100 * float((mask > 0.5).mean()):.1f}% of the image ({args.model})")
        if args.mask:
            save_image(mask, args.mask)
            print(f"wrote {args.mask}")
        if args.blur:
            save_image(segmenter.blur_background(rgb), args.blur)
            print(f"wrote {args.blur}")
    return 0


def models(args: argparse.Namespace) -> int:
    print(f"npm:{catalogue.PACKAGE}@{catalogue.VERSION} (licence {catalogue.LICENSE}, integrity "
          f"{catalogue.INTEGRITY[:23]}...)")
    print(f"  {'model':<19}{'task':<14}{'input':<10}{'cached':<8}description")
    for e in catalogue.CATALOGUE.values():
        cached = "yes" if catalogue.cached_path(e.name) is not None else "no"
        size = f"{e.input_size[0]}x{e.input_size[1]}"
        print(f"  {e.name:<19}{e.task:<14}{size:<10}{cached:<8}{e.description}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("detect", help="detect faces in a photo (BlazeFace)")
    p.add_argument("what", choices=["faces"], help="what to detect")
    p.add_argument("photo", help="an image file")
    p.add_argument("--model", default="blazeface", choices=["blazeface", "blazeface-back", "blazeface-front",
                                                             "facemesh-detection-short", "facemesh-detection-full"])
    p.add_argument("--threshold", type=float, default=0.5, help="minimum face score (default 0.5)")
    p.add_argument("--mesh", action="store_true", help="468-point face mesh and irises of each face")
    p.add_argument("--emotion", action="store_true", help="each face's expression (7 emotions)")
    p.add_argument("--age-gender", action="store_true", help="each face's age and gender (GEAR)")
    p.add_argument("--draw", metavar="OUT.png", help="write the photo with boxes and landmarks drawn")
    p.set_defaults(run=detect)

    p = sub.add_parser("pose", help="estimate body poses in a photo (MoveNet, PoseNet or BlazePose)")
    p.add_argument("photo", help="an image file")
    p.add_argument("--model", default="lightning", choices=[*movenet.VARIANTS, "posenet", *_BLAZEPOSE])
    p.add_argument("--draw", metavar="OUT.png", help="write the photo with keypoints and skeletons drawn")
    p.set_defaults(run=pose)

    p = sub.add_parser("hands", help="detect hands in a photo (Handtrack.js or MediaPipe palms)")
    p.add_argument("photo", help="an image file")
    p.add_argument("--model", default="handtrack", choices=["handtrack", "handdetect"])
    p.add_argument("--threshold", type=float, default=0.5, help="minimum score (default 0.5)")
    p.add_argument("--draw", metavar="OUT.png", help="write the photo with the boxes drawn")
    p.set_defaults(run=hands_command)

    p = sub.add_parser("segment", help="person segmentation: mask and portrait-mode blur")
    p.add_argument("photo", help="an image file")
    p.add_argument("--model", default="selfie", choices=["selfie", "meet"])
    p.add_argument("--blur", metavar="OUT.png", help="write the photo with its background blurred")
    p.add_argument("--mask", metavar="OUT.png", help="write the person mask as a grayscale image")
    p.set_defaults(run=segment)

    p = sub.add_parser("models", help="the zoo's catalogue of pretrained models and their cache state")
    p.set_defaults(run=models)
