"""NumPy kernels: image."""
