"""Ops: convolution."""
__all__: list[str] = []
