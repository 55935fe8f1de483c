"""Optimizers against update rules written out by hand in NumPy (float64 references)."""
import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError, ShapeError

X0 = np.array([1.0, -2.0, 0.5], dtype=np.float32)
C = np.array([0.3, 0.7, -1.5], dtype=np.float32)
EPS = 1e-7


def grad_np(x):
    return 2 * (x - C.astype(np.float64))


def run_steps(opt, np_step, steps=3, x0=X0, rtol=2e-5, atol=1e-6):
    """Runs `steps` minimize calls of f(x) = sum((x - c)^2) and compares each new x with np_step."""
    x = tw.variable(x0, name="x")
    c = tw.tensor(C)
    try:
        ref = x0.astype(np.float64)
        state = {}
        for t in range(1, steps + 1):
            cost = opt.minimize(lambda: ((x - c) * (x - c)).sum(), return_cost=True)
            np.testing.assert_allclose(cost.item(), ((ref - C) ** 2).sum(), rtol=1e-5, atol=1e-6)
            ref = np_step(ref, grad_np(ref), state, t)
            np.testing.assert_allclose(x.numpy(), ref, rtol=rtol, atol=atol, err_msg=f"step {t}")
            assert opt.iterations == t
        return ref
    finally:
        opt.dispose()
        x.dispose()


# ---- update rules -------------------------------------------------------------------------------

def test_sgd():
    def step(x, g, s, t):
        return x - 0.1 * g
    run_steps(tw.train.sgd(0.1), step)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum(nesterov):
    lr, mom = 0.05, 0.9

    def step(x, g, s, t):
        v = mom * s.get("v", 0.0) + g
        s["v"] = v
        return x - lr * (g + mom * v) if nesterov else x - lr * v
    run_steps(tw.train.momentum(lr, mom, use_nesterov=nesterov), step)


def test_adagrad():
    lr = 0.2

    def step(x, g, s, t):
        acc = s.get("acc", np.full_like(x, 0.1)) + g * g
        s["acc"] = acc
        return x - lr * g / np.sqrt(acc + EPS)
    run_steps(tw.train.adagrad(lr), step)


def test_adagrad_initial_accumulator():
    lr = 0.2

    def step(x, g, s, t):
        acc = s.get("acc", np.full_like(x, 2.5)) + g * g
        s["acc"] = acc
        return x - lr * g / np.sqrt(acc + EPS)
    run_steps(tw.train.adagrad(lr, initial_accumulator_value=2.5), step)


def test_adadelta():
    lr, rho, eps = 0.3, 0.9, 1e-6

    def step(x, g, s, t):
        eg, ex = s.get("eg", np.zeros_like(x)), s.get("ex", np.zeros_like(x))
        # TF.js's rule: the step uses the accumulated squared gradient from before this step
        u = g * np.sqrt(ex + eps) / np.sqrt(eg + eps)
        s["eg"] = rho * eg + (1 - rho) * g * g
        s["ex"] = rho * ex + (1 - rho) * u * u
        return x - lr * u
    run_steps(tw.train.adadelta(lr, rho, eps), step)


def test_adadelta_tfjs_numbers():
    # TF.js's own test: lr .1, rho .95 on sum(x^2) from [1, 2] gives [0.8, 1.6] then [0.64, 1.28]
    opt = tw.train.adadelta(0.1, 0.95)
    x = tw.variable(tw.tensor([1.0, 2.0]))
    opt.minimize(lambda: (x * x).sum())
    np.testing.assert_allclose(x.numpy(), [0.8, 1.6], rtol=1e-5)
    opt.minimize(lambda: (x * x).sum())
    np.testing.assert_allclose(x.numpy(), [0.64, 1.28], rtol=1e-5)
    opt.dispose()
    x.dispose()


@pytest.mark.parametrize("make,x0,after1,after2", [
    (lambda: tw.train.momentum(0.1, 0.5), [1.0, 2.0], [0.8, 1.6], [0.54, 1.08]),
    (lambda: tw.train.adam(0.1, 0.8, 0.9), [2.0, 4.0], [1.9, 3.9], [1.8000001, 3.8002]),
    (lambda: tw.train.adamax(0.1, 0.8, 0.9, None, 0.1), [2.0, 4.0], [1.9, 3.9], [1.80697, 3.8086]),
    (lambda: tw.train.rmsprop(0.1, 0.95, 0.1), [1.0, 2.0], [0.5527865, 1.5527864], [0.2874418, 1.2294267]),
    (lambda: tw.train.rmsprop(0.1, 0.95, 0.1, 1e-8, True), [1.0, 2.0], [0.5411684, 1.5411685],
     [0.2677834, 1.2035918]),
])
def test_tfjs_published_numbers(make, x0, after1, after2):
    # the values TF.js's own optimizer tests expect for f(x) = sum(x^2), to TF.js's test tolerance (1e-3);
    # by hand, Adam's second step gives [1.800183, 3.800082] (TF.js's test lists 1.8000001, 3.8002)
    opt = make()
    x = tw.variable(tw.tensor(x0))
    opt.minimize(lambda: (x * x).sum())
    np.testing.assert_allclose(x.numpy(), after1, rtol=0, atol=1e-3)
    opt.minimize(lambda: (x * x).sum())
    np.testing.assert_allclose(x.numpy(), after2, rtol=0, atol=1e-3)
    opt.dispose()
    x.dispose()


@pytest.mark.parametrize("eps", [None, 1e-3])
def test_adam(eps):
    lr, b1, b2 = 0.1, 0.8, 0.95
    e = EPS if eps is None else eps

    def step(x, g, s, t):
        m = b1 * s.get("m", 0.0) + (1 - b1) * g
        v = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        s["m"], s["v"] = m, v
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        return x - lr * m_hat / (np.sqrt(v_hat) + e)
    run_steps(tw.train.adam(lr, b1, b2, eps), step, steps=4)


@pytest.mark.parametrize("decay", [0.0, 0.3])
def test_adamax(decay):
    lr, b1, b2 = 0.1, 0.8, 0.95

    def step(x, g, s, t):
        m = b1 * s.get("m", 0.0) + (1 - b1) * g
        u = np.maximum(b2 * s.get("u", 0.0), np.abs(g))
        s["m"], s["u"] = m, u
        rate = lr / (1 + decay * (t - 1))
        return x - rate / (1 - b1 ** t) * m / (u + EPS)
    run_steps(tw.train.adamax(lr, b1, b2, decay=decay), step, steps=4)


@pytest.mark.parametrize("momentum,centered", [(0.0, False), (0.5, False), (0.0, True), (0.5, True)])
def test_rmsprop(momentum, centered):
    lr, d = 0.01, 0.8

    def step(x, g, s, t):
        ms = d * s.get("ms", 0.0) + (1 - d) * g * g
        mom = s.get("mom", 0.0)
        if centered:
            mg = d * s.get("mg", 0.0) + (1 - d) * g
            s["mg"] = mg
            p = momentum * mom + lr * g / np.sqrt(ms - mg * mg - EPS)
        else:
            p = momentum * mom + lr * g / np.sqrt(ms + EPS)
        s["ms"], s["mom"] = ms, p
        return x - p
    run_steps(tw.train.rmsprop(lr, d, momentum, centered=centered), step)


# ---- defaults and configs -----------------------------------------------------------------------

def test_defaults_and_configs():
    assert tw.train.sgd(0.5).get_config() == {"learningRate": 0.5}
    assert tw.train.momentum(0.5, 0.9).get_config() == {"learningRate": 0.5, "momentum": 0.9,
                                                         "useNesterov": False}
    assert tw.train.adagrad(0.5).get_config() == {"learningRate": 0.5, "initialAccumulatorValue": 0.1}
    assert tw.train.adadelta().get_config() == {"learningRate": 0.001, "rho": 0.95, "epsilon": 1e-7}
    opt = tw.train.adam()
    assert opt.get_config() == {"learningRate": 0.001, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7}
    opt.dispose()
    opt = tw.train.adamax()
    assert opt.get_config() == {"learningRate": 0.002, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7,
                                "decay": 0.0}
    opt.dispose()
    assert tw.train.rmsprop(0.5).get_config() == {"learningRate": 0.5, "decay": 0.9, "momentum": 0.0,
                                                   "epsilon": 1e-7, "centered": False}


@pytest.mark.parametrize("make", [
    lambda: tw.train.sgd(0.3), lambda: tw.train.momentum(0.3, 0.5, True), lambda: tw.train.adagrad(0.3, 0.2),
    lambda: tw.train.adadelta(0.3, 0.5, 1e-4), lambda: tw.train.adam(0.3, 0.5, 0.6, 1e-3),
    lambda: tw.train.adamax(0.3, 0.5, 0.6, 1e-3, 0.1), lambda: tw.train.rmsprop(0.3, 0.5, 0.2, 1e-3, True)])
def test_from_config_round_trip(make):
    opt = make()
    cfg = opt.get_config()
    clone = type(opt).from_config(cfg)
    again = tw.train.optimizer_from_config(opt.class_name, cfg)
    assert clone.get_config() == cfg and again.get_config() == cfg and type(again) is type(opt)
    for o in (opt, clone, again):
        o.dispose()


def test_class_names():
    assert sorted(tw.train.OPTIMIZER_CLASSES) == ["Adadelta", "Adagrad", "Adam", "Adamax", "Momentum",
                                                  "RMSProp", "SGD"]
    with pytest.raises(InvalidArgumentError, match="unknown optimizer class"):
        tw.train.optimizer_from_config("Nadam", {})


def test_bad_arguments():
    with pytest.raises(InvalidArgumentError, match="RMSProp"):
        tw.train.rmsprop(None)
    with pytest.raises(InvalidArgumentError, match="SGD: learning_rate"):
        tw.train.sgd("fast")


# ---- weights ------------------------------------------------------------------------------------

MAKERS = {
    "sgd": lambda: tw.train.sgd(0.1),
    "momentum": lambda: tw.train.momentum(0.1, 0.9, True),
    "adagrad": lambda: tw.train.adagrad(0.1),
    "adadelta": lambda: tw.train.adadelta(0.5, 0.9),
    "adam": lambda: tw.train.adam(0.1, 0.8, 0.9),
    "adamax": lambda: tw.train.adamax(0.1, 0.8, 0.9, decay=0.2),
    "rmsprop": lambda: tw.train.rmsprop(0.05, 0.9, 0.5),
    "rmsprop_centered": lambda: tw.train.rmsprop(0.05, 0.9, 0.5, centered=True),
}
SLOTS = {"sgd": [], "momentum": ["momentum"], "adagrad": ["accumulator"], "adadelta": ["accum_grad", "accum_var"],
         "adam": ["m", "v"], "adamax": ["m", "v"], "rmsprop": ["rms", "momentum"],
         "rmsprop_centered": ["rms", "momentum", "mg"]}


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_weights_round_trip_continues_identically(kind):
    a = tw.variable(tw.tensor([1.0, -2.0]), name="a")
    b = tw.variable(tw.tensor([[0.5], [3.0]]), name="b")

    def f():
        return (a * a).sum() + (b * b * b).sum() * 0.1 + (a * b.reshape([2])).sum()

    opt1 = MAKERS[kind]()
    opt1.minimize(f)
    opt1.minimize(f)
    weights = opt1.get_weights()
    assert [w.name for w in weights] == ["iter"] + [f"{v}/{s}" for s in SLOTS[kind] for v in ("a", "b")]
    assert weights[0].tensor.dtype == "int32" and weights[0].tensor.item() == 2
    opt2 = MAKERS[kind]()
    opt2.set_weights(weights)
    assert opt2.iterations == 2
    del weights
    saved = [a.numpy(), b.numpy()]
    opt1.minimize(f)
    opt1.minimize(f)
    expected = [a.numpy(), b.numpy()]
    a.assign(saved[0])
    b.assign(saved[1])
    opt2.minimize(f)
    opt2.minimize(f)
    np.testing.assert_array_equal(a.numpy(), expected[0])
    np.testing.assert_array_equal(b.numpy(), expected[1])
    assert opt2.iterations == 4
    for t in (opt1, opt2, a, b):
        t.dispose()


def test_set_weights_accepts_pairs_and_dicts_and_matches_by_position():
    x = tw.variable(tw.tensor([1.0, 2.0]), name="x")
    opt = tw.train.momentum(0.1, 0.5)
    # slots saved under another variable name (another session) go to the variable at the same position
    opt.set_weights([{"name": "iter", "tensor": tw.scalar(5, "int32")},
                     ("old_x/momentum", tw.tensor([1.0, -1.0]))])
    assert opt.iterations == 5
    opt.minimize(lambda: (x * x).sum())
    # acc = 0.5 * [1, -1] + [2, 4] = [2.5, 3.5]; x -= 0.1 * acc
    np.testing.assert_allclose(x.numpy(), [0.75, 1.65], rtol=1e-6)
    assert [w.name for w in opt.get_weights()] == ["iter", "old_x/momentum"]
    with pytest.raises(InvalidArgumentError, match="Adam set_weights"):
        adam = tw.train.adam()
        try:
            adam.set_weights([("iter", tw.scalar(1, "int32")), ("x/m", tw.tensor([0.0, 0.0]))])
        finally:
            adam.dispose()
    with pytest.raises(InvalidArgumentError, match="SGD set_weights"):
        tw.train.sgd(0.1).set_weights([("iter", tw.scalar(1, "int32")), ("x/m", tw.tensor([0.0, 0.0]))])
    opt.dispose()
    x.dispose()


# ---- minimize / apply_gradients -----------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_minimize_leaks_no_tensors(kind):
    x = tw.variable(tw.tensor([1.0, 2.0, 3.0]), name="x")
    opt = MAKERS[kind]()
    f = lambda: (x * x).sum()  # noqa: E731
    opt.minimize(f)  # creates the slot variables
    n = tw.memory().num_tensors
    opt.minimize(f)
    opt.minimize(f)
    assert tw.memory().num_tensors == n
    cost = opt.minimize(f, return_cost=True)
    assert tw.memory().num_tensors == n + 1 and cost.shape == ()
    del cost
    assert len(opt.get_weights()) == 1 + len(SLOTS[kind])
    slots = [v for v in tw._ENGINE.registered_variables().values() if v is not x]
    assert all(not v.trainable for v in slots)
    opt.dispose()
    x.dispose()
    assert tw._ENGINE.registered_variables() == {}


def test_minimize_var_list_and_return_cost():
    a = tw.variable(tw.tensor([1.0]), name="a")
    b = tw.variable(tw.tensor([2.0]), name="b")
    opt = tw.train.sgd(0.25)
    assert opt.minimize(lambda: (a * b).sum(), var_list=[a]) is None
    np.testing.assert_allclose(a.numpy(), [0.5])  # 1 - 0.25 * 2
    np.testing.assert_allclose(b.numpy(), [2.0])
    cost = opt.minimize(lambda: (a * b).sum(), return_cost=True)
    assert cost.item() == pytest.approx(1.0)
    np.testing.assert_allclose(a.numpy(), [0.0])
    np.testing.assert_allclose(b.numpy(), [1.875])
    # non-trainable variables are left alone by default
    frozen = tw.variable(tw.tensor([3.0]), trainable=False, name="frozen")
    opt.minimize(lambda: (a * frozen).sum())
    np.testing.assert_allclose(frozen.numpy(), [3.0])
    np.testing.assert_allclose(a.numpy(), [-0.75])
    for t in (a, b, frozen):
        t.dispose()


def test_apply_gradients_forms_and_errors():
    a = tw.variable(tw.tensor([1.0, 1.0]), name="a")
    b = tw.variable(tw.tensor([5.0]), name="b")
    opt = tw.train.adagrad(1.0)
    opt.apply_gradients({"a": tw.tensor([1.0, 2.0])})
    # accumulator = 0.1 + g^2
    np.testing.assert_allclose(a.numpy(), 1 - np.array([1.0, 2.0]) / np.sqrt([1.1, 4.1]), rtol=1e-5, atol=1e-7)
    opt.apply_gradients([(a, tw.tensor([0.0, 0.0])), (b, tw.tensor([3.0]))])
    np.testing.assert_allclose(b.numpy(), [5 - 3 / np.sqrt(9.1)], rtol=1e-6)
    opt.apply_gradients([("b", None)])
    np.testing.assert_allclose(b.numpy(), [5 - 3 / np.sqrt(9.1)], rtol=1e-6)
    assert opt.iterations == 3
    assert [w.name for w in opt.get_weights()] == ["iter", "a/accumulator", "b/accumulator"]
    with pytest.raises(InvalidArgumentError, match="no variable named 'nope'"):
        opt.apply_gradients({"nope": tw.tensor([1.0])})
    with pytest.raises(ShapeError, match="Adagrad apply_gradients.*shape"):
        opt.apply_gradients({"a": tw.tensor([1.0, 2.0, 3.0])})
    with pytest.raises(InvalidArgumentError, match="apply_gradients"):
        opt.apply_gradients(tw.tensor([1.0]))
    opt.dispose()
    a.dispose()
    b.dispose()


def test_minimize_trains_a_linear_fit():
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(32, 3)).astype(np.float32)
    ys = xs @ np.array([[1.5], [-2.0], [0.5]], dtype=np.float32) + 0.25
    w = tw.variable(tw.zeros([3, 1]), name="w")
    bias = tw.variable(tw.zeros([1]), name="bias")
    tx, ty = tw.tensor(xs), tw.tensor(ys)
    opt = tw.train.adam(0.1)

    def loss():
        pred = tw.add(tw.sum(tw.mul(tw.reshape(tx, [32, 3, 1]), tw.reshape(w, [1, 3, 1])), 1), bias)
        d = pred - ty
        return (d * d).sum() * (1 / 32)

    first = opt.minimize(loss, return_cost=True).item()
    for _ in range(150):
        opt.minimize(loss)
    last = opt.minimize(loss, return_cost=True).item()
    assert last < first * 1e-3
    np.testing.assert_allclose(w.numpy().ravel(), [1.5, -2.0, 0.5], atol=0.05)
    opt.dispose()
    w.dispose()
    bias.dispose()
