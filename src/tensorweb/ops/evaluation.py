"""Ops: evaluation."""
__all__: list[str] = []
