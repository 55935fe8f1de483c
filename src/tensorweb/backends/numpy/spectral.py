"""NumPy kernels: spectral."""
