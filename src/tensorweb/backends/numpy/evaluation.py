"""NumPy kernels: evaluation."""
