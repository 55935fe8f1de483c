"""NumPy kernels: linalg."""
