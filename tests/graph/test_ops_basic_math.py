"""Basic math op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.basic_math  # noqa: F401  (registers the mappers)

from .math_cases import Check, Inputs, f32, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(102)
ANY = g.f32(2, 3, 4, lo=-3.0, hi=3.0)
UNIT = g.f32(3, 4, lo=-0.95, hi=0.95)
POS = g.f32(3, 4, lo=0.05, hi=4.0)
SPECIAL = f32([-np.inf, -3.5, -2.5, -1.5, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, np.inf, np.nan])
INTS = i32([-7, -2, 0, 3, 9])
COMPLEX = (g.f32(2, 3) + 1j * g.f32(2, 3)).astype(np.complex64)

# op -> its input (the domain where TF defines it)
UNARY_INPUTS = {
    "Abs": ANY, "Acos": UNIT, "Acosh": g.f32(3, 4, lo=1.0, hi=5.0), "Asin": UNIT, "Asinh": ANY, "Atan": ANY,
    "Atanh": UNIT, "Ceil": SPECIAL, "Cos": ANY, "Cosh": ANY, "Elu": ANY, "Erf": ANY, "Exp": ANY, "Expm1": ANY,
    "Floor": SPECIAL, "IsFinite": SPECIAL, "IsInf": SPECIAL, "IsNan": SPECIAL, "Log": POS, "Log1p": POS,
    "Neg": ANY, "Reciprocal": POS, "Relu": SPECIAL, "Relu6": g.f32(3, 4, lo=-3.0, hi=9.0), "Round": SPECIAL,
    "Rsqrt": POS, "Selu": ANY, "Sigmoid": ANY, "Sign": SPECIAL, "Sin": ANY, "Sinh": ANY, "Softplus": ANY,
    "Sqrt": POS, "Square": ANY, "Tan": UNIT, "Tanh": ANY,
}

CHECKS = {op.lower(): Check(OpCase(op, [x], {"T": ("type", "float32")})) for op, x in UNARY_INPUTS.items()}
CHECKS.update({
    "abs_int": Check(OpCase("Abs", [INTS])),
    "neg_int": Check(OpCase("Neg", [INTS])),
    "square_int": Check(OpCase("Square", [INTS])),
    "sign_int": Check(OpCase("Sign", [INTS])),
    "relu_int": Check(OpCase("Relu", [INTS])),
    "exp_int": Check(OpCase("Exp", [i32([0, 1, 2, -1])])),
    "sqrt_special": Check(OpCase("Sqrt", [SPECIAL])),
    "log_special": Check(OpCase("Log", [SPECIAL])),
    "complex_abs": Check(OpCase("ComplexAbs", [COMPLEX])),
    "complex": Check(OpCase("Complex", [g.f32(2, 3), g.f32(2, 3)])),
    "complex_bad_shapes": Check(OpCase("Complex", [g.f32(2, 3), g.f32(3, 2)])),
    "real": Check(OpCase("Real", [COMPLEX], {"Tout": ("type", "float32")})),
    "imag": Check(OpCase("Imag", [COMPLEX], {"Tout": ("type", "float32")})),
    "atan2": Check(OpCase("Atan2", [ANY, g.f32(4)])),
    "atan2_quadrants": Check(OpCase("Atan2", [f32([1.0, 1.0, -1.0, -1.0, 0.0]), f32([1.0, -1.0, -1.0, 1.0, -1.0])])),
    "clip_by_value": Check(OpCase("ClipByValue", [ANY, f32(-1.0), f32(1.5)])),
    "clip_by_value_const_bounds": Check(OpCase("ClipByValue", [SPECIAL, f32(-1.0), f32(1.0)], consts=(1, 2))),
    "clip_by_value_int": Check(OpCase("ClipByValue", [INTS, i32(-2), i32(4)])),
    "clip_by_value_min_above_max": Check(OpCase("ClipByValue", [ANY, f32(2.0), f32(1.0)])),
    # TF lets the bounds be tensors that broadcast against x; TF.js would read their first value only
    "clip_by_value_tensor_bounds": Check(OpCase("ClipByValue", [ANY, f32([-1.0, 0.0, -2.0, 0.5]), f32(1.0)]),
                                         hand=[(np.minimum(np.maximum(ANY, [-1.0, 0.0, -2.0, 0.5]), 1.0),
                                                "float32")]),
    "leaky_relu": Check(OpCase("LeakyRelu", [ANY], {"alpha": ("f", 0.1)})),
    "leaky_relu_default_alpha": Check(OpCase("LeakyRelu", [ANY])),
    "prelu": Check(OpCase("Prelu", [ANY, g.f32(4, lo=0.0, hi=0.5)], consts=(1,))),
    "prelu_bad_alpha": Check(OpCase("Prelu", [ANY, g.f32(3)])),
})


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("basic_math", CHECKS)
