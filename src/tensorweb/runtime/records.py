"""Tensor usage records: what a memory planner needs to know about each intermediate of a fixed plan."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TensorUsageRecord:
    """One tensor of a plan: its size in bytes and the inclusive interval [first_op, last_op] of plan steps
    during which it must stay alive (first_op: the step that produces it, or 0 for a model input; last_op:
    the last step that reads it, or the plan's last step for an output)."""

    size: int
    first_op: int
    last_op: int
