"""Optimizers: sgd, momentum (with nesterov), adagrad, adadelta, adam, adamax, rmsprop (with centered)."""
