"""NumPy kernels: convolution."""
