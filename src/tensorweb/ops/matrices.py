"""Ops: matrices."""
__all__: list[str] = []
