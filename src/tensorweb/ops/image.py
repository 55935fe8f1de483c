"""Ops: image."""
__all__: list[str] = []
