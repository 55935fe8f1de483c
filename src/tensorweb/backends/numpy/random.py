"""NumPy kernels: random."""
