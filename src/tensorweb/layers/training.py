"""The training loop of Model: compile, fit, evaluate, predict and the *_on_batch methods."""
from __future__ import annotations


class Trainer:
    """Mixed into Model: everything about training."""

    def _init_training(self) -> None:
        self.compiled = False
        self.stop_training = False
