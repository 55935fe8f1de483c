"""NumPy kernels: matrices."""
