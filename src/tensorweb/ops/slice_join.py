"""Ops: slice_join."""
__all__: list[str] = []
