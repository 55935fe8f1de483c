"""NumPy kernels: segment."""
from __future__ import annotations

import numpy as np

from ._base import kernel


@kernel("UnsortedSegmentSum")
def unsorted_segment_sum(x, segment_ids, *, num_segments):
    ids = segment_ids.reshape(-1)
    rest = x.shape[segment_ids.ndim:]
    x2 = x.reshape((ids.size, -1))
    keep = (ids >= 0) & (ids < num_segments)  # out-of-range ids are dropped, as in TF.js
    out = np.zeros((num_segments, x2.shape[1]), dtype=x.dtype)
    np.add.at(out, ids[keep], x2[keep])
    return out.reshape((num_segments,) + rest)


@kernel("GatherDropNegatives")
def gather_drop_negatives(x, segment_ids):
    """Internal (UnsortedSegmentSum's gradient): x[segment_ids] along axis 0, zeros where an id is
    negative or past x's first dimension."""
    ids = segment_ids.reshape(-1)
    rest = x.shape[1:]
    x2 = x.reshape((x.shape[0], -1))
    keep = (ids >= 0) & (ids < x.shape[0])
    out = np.zeros((ids.size, x2.shape[1]), dtype=x.dtype)
    out[keep] = x2[ids[keep]]
    return out.reshape(segment_ids.shape + rest)
