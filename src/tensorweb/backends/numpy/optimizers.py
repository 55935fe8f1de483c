"""NumPy kernels: fused optimizer updates (TF's ApplyAdam), in the exact operation order of TF.js's
composed rule, with in-place passes instead of a dozen allocating ones."""
from __future__ import annotations

import numpy as np

from ._base import kernel


@kernel("ApplyAdam")
def apply_adam(var, m, v, grad, one_minus_acc_beta1, one_minus_acc_beta2, *, learning_rate, beta1, beta2,
               epsilon):
    """(new var, new m, new v) of one Adam step:
    m' = m b1 + g (1 - b1);  v' = v b2 + g^2 (1 - b2);
    var' = (m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps) * -lr + var."""
    dt = var.dtype.type
    new_m = np.multiply(m, dt(beta1))
    tmp = np.multiply(grad, dt(1 - beta1))
    new_m += tmp
    new_v = np.multiply(v, dt(beta2))
    np.square(grad, out=tmp)
    tmp *= dt(1 - beta2)
    new_v += tmp
    np.divide(new_v, one_minus_acc_beta2, out=tmp)
    np.sqrt(tmp, out=tmp)
    tmp += dt(epsilon)
    step = np.divide(new_m, one_minus_acc_beta1)
    step /= tmp
    step *= dt(-learning_rate)
    step += var
    return step, new_m, new_v
