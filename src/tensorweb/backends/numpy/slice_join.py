"""NumPy kernels: slice_join."""
