"""Emotion, age and gender: the face crop and each model's pixel format on hand-computed cases, decoding on
hand-computed outputs, the answers on the bundled photos against what is known of the people in them, and
raw outputs equal to the real TF.js's on the same preprocessed inputs.

What is known: the astronaut is Eileen Collins (born November 1956), in her STS-93 crew portrait (the mission
patch on her suit reads COLLINS ASHBY / COLEMAN HAWLEY TOGNINI; STS-93 flew in July 1999), so 41-42 years
old, smiling with her teeth showing; Grace Hopper (born December 1906) in her official US Navy portrait of
January 1984, so 77; the cameraman is a man. Of the gender models only GEAR tells all three right: the two
64×64 ones ('gender', 'gender-ssrnet-imdb') call Grace Hopper in her uniform and cap a man, so they are
checked on their raw outputs and decoding only.
"""
from __future__ import annotations

import numpy as np
import pytest

from tensorweb.data import photo
from tensorweb.errors import InvalidArgumentError, ModelFormatError
from tensorweb.zoo import agegender, blazeface, catalogue, emotion
from tensorweb.zoo._common import Box, ZooModel
from tensorweb.zoo._face import FaceInput, face_box, face_input, face_roi
from tensorweb.zoo._image import Roi

from .photos import rgb
from .zoo_tfjs import assert_raw_outputs_match

AGES = {"astronaut": 42, "grace_hopper": 77}
GENDERS = {"astronaut": "female", "grace_hopper": "female", "camera": "male"}
# Apparent-age models miss by 5-10 years on average in the wild; these formal portraits (uniform, cap,
# make-up, studio light) are harder: an estimate within 20 years is counted right.
AGE_TOLERANCE = 20.0


@pytest.fixture(scope="module")
def faces():
    with blazeface.load() as detector:
        yield {name: detector.detect(photo(name))[0] for name in ("astronaut", "grace_hopper", "camera")}


@pytest.fixture(scope="module")
def classifier():
    with emotion.load() as model:
        yield model


@pytest.fixture(scope="module")
def gear():
    with agegender.load() as model:
        yield model


@pytest.fixture(scope="module")
def ssrnet():
    with agegender.load(age="age", gender="gender") as model:
        yield model


# ---- crops and pixel formats: hand-computed -----------------------------------------------------------

def test_face_roi_is_square_around_the_box():
    image = np.zeros((100, 200, 3), np.uint8)
    roi = face_roi(image, Box(50, 20, 40, 30))
    assert (roi.x, roi.y, roi.width, roi.height) == pytest.approx((42, 7, 56, 56))      # 1.4 × 40, centered
    assert face_roi(image, None) == Roi(0, 0, 200, 100)                                  # the whole image
    with pytest.raises(InvalidArgumentError, match="expected a face"):
        face_box("face")


def test_face_input_formats():
    image = np.zeros((4, 4, 3), np.uint8)
    image[...] = (200, 100, 50)
    roi = face_roi(image, None)
    gray = face_input(image, roi, FaceInput(2, "gray", -1.0, 1.0))
    want = (0.2989 * 200 + 0.5870 * 100 + 0.1140 * 50) / 255 * 2 - 1
    assert gray.shape == (1, 2, 2, 1) and np.allclose(gray, want, atol=1e-5)
    bgr = face_input(image, roi, FaceInput(2, "bgr", 0.0, 255.0))
    assert bgr.shape == (1, 2, 2, 3) and np.allclose(bgr[0, 0, 0], [50, 100, 200], atol=1e-3)
    rgb_ = face_input(image, roi, FaceInput(2, "rgb", 0.0, 1.0))
    assert np.allclose(rgb_[0, 1, 1], [200 / 255, 100 / 255, 50 / 255], atol=1e-5)


def test_face_input_region():
    image = np.zeros((10, 10, 3), np.uint8)
    image[:, 5:] = 255                                        # right half white
    x = face_input(image, face_roi(image, None), FaceInput(2, "gray", 0.0, 1.0, region=(0.5, 0.0, 1.0, 1.0)))
    assert np.allclose(x, 1.0, atol=1e-3)                     # only the right half was read


def test_decoders_hand_computed():
    e = emotion.decode(np.array([0.05, 0.0, 0.05, 0.6, 0.1, 0.1, 0.1]))
    assert (e.label, e.score) == ("happy", pytest.approx(0.6)) and sum(e.scores.values()) == pytest.approx(1)
    with pytest.raises(ModelFormatError, match="7 probabilities"):
        emotion.decode(np.ones(6))
    age, groups = agegender.gear_age(np.array([0, 0, 0, 0.5, 0.5, 0, 0]))
    assert age == pytest.approx((35.5 + 45.5) / 2) and groups["41-50"] == 0.5
    assert agegender.gender_of(0.3, 0.7) == ("male", pytest.approx(0.7))
    assert agegender.gender_of(0.5, 0.5)[0] == "female"


# ---- the real photos ----------------------------------------------------------------------------------

def test_emotion_of_a_smile(classifier, faces):
    result = classifier.classify(photo("astronaut"), faces["astronaut"])
    assert result.label == "happy" and result.score > 0.9
    assert list(result.scores) == list(emotion.LABELS) and sum(result.scores.values()) == pytest.approx(1, abs=1e-4)


def test_emotion_of_a_face_crop(classifier, faces):
    """A crop of the face alone, given without a face, is read like the face in the photo."""
    image = rgb("astronaut")
    roi = face_roi(image, faces["astronaut"])
    x0, y0 = int(roi.x), int(roi.y)
    face_only = image[y0:y0 + int(roi.height), x0:x0 + int(roi.width)]
    assert classifier.classify(face_only).label == "happy"


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper", "camera"])
def test_gear_gender(gear, faces, name):
    result = gear.estimate(photo(name), faces[name])
    assert result.gender == GENDERS[name] and 0.5 <= result.gender_score <= 1.0
    assert list(result.age_groups) == list(agegender.AGE_GROUPS)


def test_ages(gear, ssrnet, faces):
    for estimator in (gear, ssrnet):
        ages = {name: estimator.estimate(photo(name), faces[name]).age for name in AGES}
        assert all(abs(ages[n] - AGES[n]) <= AGE_TOLERANCE for n in AGES), (estimator.age_model, ages)
        assert ages["grace_hopper"] - ages["astronaut"] >= 15, (estimator.age_model, ages)   # 35 years apart


def test_gear_age_groups_of_the_oldest(gear, faces):
    groups = gear.estimate(photo("grace_hopper"), faces["grace_hopper"]).age_groups
    assert max(groups, key=groups.get) == "over 60"


def test_only_what_was_asked():
    with agegender.load(age=None, gender="gender-ssrnet-imdb") as model:
        result = model.estimate(rgb("camera"))
    assert result.age is None and result.age_groups is None and result.gender in ("female", "male")


def test_raw_outputs_match_tfjs(classifier, gear, ssrnet, faces):
    image = rgb("grace_hopper")
    face = faces["grace_hopper"]
    x = classifier.preprocess(image, face)
    assert x.shape == (1, 64, 64, 1) and -1.0 <= x.min() and x.max() <= 1.0
    assert_raw_outputs_match(classifier, "emotion", x)
    for estimator in (gear, ssrnet):
        for name, x in estimator.preprocess(image, face).items():
            assert_raw_outputs_match(ZooModel(estimator.models[name]), name, x)
    with agegender.load(age=None, gender="gender-ssrnet-imdb") as model:
        x = model.preprocess(image, face)["gender-ssrnet-imdb"]
        assert x.shape == (1, 64, 64, 3) and x.max() > 1.0                       # BGR 0..255
        assert_raw_outputs_match(model, "gender-ssrnet-imdb", x)


def test_errors():
    with pytest.raises(InvalidArgumentError, match="age must be one of"):
        agegender.load(age="gender")
    with pytest.raises(InvalidArgumentError, match="not both None"):
        agegender.AgeGenderEstimator({}, None, None)
    graph = catalogue.load_graph("blazeface-front")
    try:
        with pytest.raises(ModelFormatError, match="emotion model"):
            emotion.EmotionClassifier(graph)
        with pytest.raises(ModelFormatError, match="'gear' model"):
            agegender.AgeGenderEstimator({"gear": graph})
    finally:
        graph.dispose()
