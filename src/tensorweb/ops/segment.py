"""Ops: segment."""
__all__: list[str] = []
