"""Ops: signal."""
__all__: list[str] = []
