"""Every kernel TF.js differentiates (tfjs-core/src/gradients, 101 kernels in TF.js 4.22) has a gradient
rule here, or produces no float32 output, so that no gradient can flow through it by construction."""
import pytest

import tensorweb as tw
from tensorweb.core import registry

TFJS_GRADIENT_KERNELS = """
Abs Acos Acosh Add AddN ArgMax ArgMin Asin Asinh Atan Atan2 Atanh AvgPool AvgPool3D BatchMatMul
BatchToSpaceND BroadcastTo Cast Ceil ClipByValue ComplexAbs Concat Conv2D Conv2DBackpropInput Conv3D Cos
Cosh Cumsum DepthwiseConv2dNative Dilation2D Elu Erf Exp ExpandDims Expm1 Floor FloorDiv FusedBatchNorm
GatherV2 GreaterEqual Identity IsFinite IsInf IsNan LRN LeakyRelu Log Log1p LogSoftmax Max MaxPool
MaxPool3D Maximum Mean Min Minimum MirrorPad Mod Multiply Neg OneHot OnesLike Pack PadV2 Pow Prelu Prod
RealDiv Reciprocal Relu Relu6 Reshape ResizeBilinear ResizeNearestNeighbor Reverse Round Rsqrt Select Selu
Sigmoid Sign Sin Sinh Slice Softmax Softplus SpaceToBatchND SplitV Sqrt Square SquaredDifference Step Sub
Sum Tan Tanh Tile Transpose Unpack UnsortedSegmentSum ZerosLike
""".split()

# Kernels whose TF.js gradient is "zeros" because their output is boolean or integer: here the tape never
# tracks such outputs, so no rule is needed. The lambda runs the op to prove the output dtype.
NON_FLOAT_OUTPUT = {
    "GreaterEqual": lambda: tw.greater_equal(tw.tensor([1.0]), tw.tensor([0.0])),
    "OneHot": lambda: tw.one_hot(tw.tensor([1]), 3),
}


def test_the_list_is_tfjs_complete():
    assert len(TFJS_GRADIENT_KERNELS) == len(set(TFJS_GRADIENT_KERNELS)) == 101


@pytest.mark.parametrize("kernel", TFJS_GRADIENT_KERNELS)
def test_kernel_exists_and_has_gradient(kernel):
    assert registry.has_kernel(kernel, "numpy"), f"no numpy kernel {kernel}"
    if kernel in NON_FLOAT_OUTPUT:
        assert NON_FLOAT_OUTPUT[kernel]().dtype != "float32"
    else:
        assert registry.get_gradient(kernel) is not None, f"no gradient registered for {kernel}"
