"""Core: Tensor and Variable, dtypes, the engine (scopes/tidy, tape, memory accounting, profile),
registries (backends by priority, kernels by (kernel, backend), gradients by kernel), autodiff, flags."""
