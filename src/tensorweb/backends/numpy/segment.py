"""NumPy kernels: segment."""
