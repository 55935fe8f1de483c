"""Optimizers: sgd, momentum (with nesterov), adagrad, adadelta, adam, adamax, rmsprop (with centered).

    opt = tw.train.adam(0.01)
    opt.minimize(lambda: loss(model(x), y))
"""
from .optimizer import EPSILON, NamedTensor, Optimizer
from .optimizers import (OPTIMIZER_CLASSES, AdadeltaOptimizer, AdagradOptimizer, AdamaxOptimizer, AdamOptimizer,
                         MomentumOptimizer, RMSPropOptimizer, SGDOptimizer, adadelta, adagrad, adam, adamax,
                         momentum, optimizer_from_config, rmsprop, sgd)

__all__ = ["Optimizer", "NamedTensor", "EPSILON", "SGDOptimizer", "MomentumOptimizer", "AdagradOptimizer",
           "AdadeltaOptimizer", "AdamOptimizer", "AdamaxOptimizer", "RMSPropOptimizer", "sgd", "momentum",
           "adagrad", "adadelta", "adam", "adamax", "rmsprop", "OPTIMIZER_CLASSES", "optimizer_from_config"]
