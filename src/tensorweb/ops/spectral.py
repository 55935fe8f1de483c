"""Ops: spectral."""
__all__: list[str] = []
