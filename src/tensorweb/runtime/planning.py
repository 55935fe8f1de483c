"""Static memory planning of intermediate tensors (Pisarchyk & Lee 2020, "Efficient Memory Management for Deep
Neural Net Inference"; TFLite's memory planner).

Input: tensor usage records — each intermediate's byte size and the inclusive interval [first_op, last_op] of
plan steps during which it must stay alive. Two tensors whose intervals intersect can never share memory.

Two problems:
- **shared objects** (GPU textures, pooled buffers): give every tensor an object id; an object is as large as
  the largest tensor it holds; minimize the sum of object sizes.
- **offsets** (one CPU arena): give every tensor a byte offset; tensors alive at the same time must not
  overlap; minimize the arena size (the largest offset + size).

Lower bounds: for offsets, the largest operator breadth (the bytes alive at one step); for shared objects, the
sum of positional maximums (sort each step's live sizes in decreasing order; take, position by position, the
maximum over steps). Naive: every tensor its own memory, the sum of sizes.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from ..errors import InvalidArgumentError


@dataclass(frozen=True)
class LowerBounds:
    offsets: int          # bytes: the largest operator breadth
    shared_objects: int   # bytes: the sum of positional maximums
    naive: int            # bytes: the sum of all sizes


@dataclass
class OffsetAssignment:
    strategy: str
    offsets: list[int]
    total_bytes: int
    alignment: int = 1


@dataclass
class ObjectAssignment:
    strategy: str
    object_ids: list[int]
    object_sizes: list[int] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(self.object_sizes)

    @property
    def objects(self) -> int:
        return len(self.object_sizes)


class _Records:
    """Records as NumPy columns, validated once."""

    def __init__(self, records: Sequence, alignment: int = 1) -> None:
        if alignment < 1 or alignment & (alignment - 1):
            raise InvalidArgumentError(f"planning: alignment must be a power of two, got {alignment}")
        self.size = np.array([int(r.size) for r in records], dtype=np.int64)
        self.first = np.array([int(r.first_op) for r in records], dtype=np.int64)
        self.last = np.array([int(r.last_op) for r in records], dtype=np.int64)
        bad = np.flatnonzero((self.size < 0) | (self.first < 0) | (self.last < self.first))
        if bad.size:
            r = records[int(bad[0])]
            raise InvalidArgumentError(f"planning: record {int(bad[0])} {r!r} needs size >= 0 and "
                                       "0 <= first_op <= last_op")
        self.n = len(records)
        self.aligned = (self.size + alignment - 1) // alignment * alignment
        self.steps = int(self.last.max()) + 1 if self.n else 0

    def live_at(self) -> list[np.ndarray]:
        """For each step, the indices of the records alive at it."""
        order = np.argsort(self.first, kind="stable")
        return [order[(self.first[order] <= t) & (self.last[order] >= t)] for t in range(self.steps)]

    def breadths(self, sizes: np.ndarray) -> np.ndarray:
        """Bytes alive at each step (a difference array over the intervals)."""
        diff = np.zeros(self.steps + 1, dtype=np.int64)
        np.add.at(diff, self.first, sizes)
        np.add.at(diff, self.last + 1, -sizes)
        return np.cumsum(diff)[:-1]


def lower_bounds(records: Sequence) -> LowerBounds:
    """The offsets and shared-objects lower bounds and the naive footprint of `records`."""
    r = _Records(records)
    if not r.n:
        return LowerBounds(0, 0, 0)
    positional: list[int] = []
    for live in r.live_at():
        sizes = np.sort(r.size[live])[::-1]
        for i, s in enumerate(sizes.tolist()):
            if i == len(positional):
                positional.append(s)
            elif s > positional[i]:
                positional[i] = s
    return LowerBounds(int(r.breadths(r.size).max()), int(sum(positional)), int(r.size.sum()))


# ---------------------------------------------------------------- shared objects

def _objects_naive(r: _Records) -> tuple[list[int], list[int]]:
    return list(range(r.n)), r.size.tolist()


def _objects_in_order(r: _Records, choose: Callable[[list[int], int, list[int]], int | None]
                      ) -> tuple[list[int], list[int]]:
    """Tensors in order of first use; objects return to the free list once their tensor's last step has
    passed; choose(free objects, size, object sizes) picks one to take (grown if needed) or None for a new."""
    ids = [-1] * r.n
    sizes: list[int] = []
    free: list[int] = []
    releases: list[tuple[int, int]] = []          # (last_op, object id)
    for i in np.lexsort((np.arange(r.n), r.first)).tolist():
        while releases and releases[0][0] < r.first[i]:
            free.append(heapq.heappop(releases)[1])
        size = int(r.size[i])
        obj = choose(free, size, sizes)
        if obj is None:
            obj = len(sizes)
            sizes.append(size)
        else:
            free.remove(obj)
            sizes[obj] = max(sizes[obj], size)
        ids[i] = obj
        heapq.heappush(releases, (int(r.last[i]), obj))
    return ids, sizes


def _objects_equality(r: _Records) -> tuple[list[int], list[int]]:
    """Reuse a released object only for a tensor of exactly its size."""
    return _objects_in_order(r, lambda free, size, sizes: next((o for o in free if sizes[o] == size), None))


def _smallest_fitting_else_largest(free: list[int], size: int, sizes: list[int]) -> int | None:
    if not free:
        return None
    fitting = [o for o in free if sizes[o] >= size]
    return min(fitting, key=lambda o: sizes[o]) if fitting else max(free, key=lambda o: sizes[o])


def _objects_greedy_in_order(r: _Records) -> tuple[list[int], list[int]]:
    """Tensors in order of first use; each takes the smallest released object that fits, else the largest
    released one (enlarged), else a new object."""
    return _objects_in_order(r, _smallest_fitting_else_largest)


class _ObjectPool:
    """Objects with the intervals they already hold, for the greedy strategies that assign out of time order."""

    def __init__(self, r: _Records) -> None:
        self.r = r
        self.sizes: list[int] = []
        self.members: list[list[int]] = []
        self.ids = [-1] * r.n

    def available(self, i: int) -> list[int]:
        r = self.r
        return [o for o, m in enumerate(self.members)
                if not np.any((r.first[m] <= r.last[i]) & (r.last[m] >= r.first[i]))]

    def distance(self, o: int, i: int) -> int:
        """Steps between tensor i and the nearest tensor already in object o."""
        r, m = self.r, self.members[o]
        gaps = np.maximum(r.first[m] - r.last[i], r.first[i] - r.last[m])
        return int(gaps.min())

    def put(self, i: int, obj: int | None) -> None:
        size = int(self.r.size[i])
        if obj is None:
            obj = len(self.sizes)
            self.sizes.append(size)
            self.members.append([])
        self.sizes[obj] = max(self.sizes[obj], size)
        self.members[obj].append(i)
        self.ids[i] = obj

    def best_fit(self, i: int) -> int | None:
        """The smallest available object that holds tensor i, else the largest available one."""
        return _smallest_fitting_else_largest(self.available(i), int(self.r.size[i]), self.sizes)


def _objects_greedy_by_breadth(r: _Records) -> tuple[list[int], list[int]]:
    """Steps in decreasing breadth; at each, its unassigned tensors in decreasing size, best fit."""
    pool = _ObjectPool(r)
    breadth = r.breadths(r.size)
    live = r.live_at()
    for t in np.argsort(-breadth, kind="stable").tolist():
        for i in sorted(live[t].tolist(), key=lambda i: (-r.size[i], i)):
            if pool.ids[i] < 0:
                pool.put(i, pool.best_fit(i))
    return pool.ids, pool.sizes


def _objects_greedy_by_size(r: _Records) -> tuple[list[int], list[int]]:
    """The improved greedy by size (distance priority): tensors in decreasing size; each goes to the available
    object that needs no enlargement and whose tensors are nearest in time (so long-lived gaps stay free for
    others), else to the best-fitting available one, else to a new object."""
    pool = _ObjectPool(r)
    for i in np.lexsort((np.arange(r.n), -r.size)).tolist():
        size = int(r.size[i])
        avail = pool.available(i)
        fitting = [o for o in avail if pool.sizes[o] >= size]
        if fitting:
            obj = min(fitting, key=lambda o: (pool.distance(o, i), pool.sizes[o]))
        elif avail:
            obj = max(avail, key=lambda o: pool.sizes[o])
        else:
            obj = None
        pool.put(i, obj)
    return pool.ids, pool.sizes


MIN_COST_FLOW_MAX_RECORDS = 1000


def _min_cost_assignment(cost: np.ndarray) -> np.ndarray:
    """The column of each row minimizing the total cost (rows <= columns): the Hungarian method's shortest
    augmenting paths with row/column potentials, vectorized over columns. O(rows^2 * columns)."""
    n, m = cost.shape
    u, v = np.zeros(n + 1), np.zeros(m + 1)
    owner = np.zeros(m + 1, dtype=np.int64)       # owner[col] = 1-based row holding it, 0 when free
    way = np.zeros(m + 1, dtype=np.int64)
    for row in range(1, n + 1):
        owner[0], col = row, 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[col] = True
            r = owner[col]
            free = ~used[1:]
            reduced = cost[r - 1] - u[r] - v[1:]
            better = free & (reduced < minv[1:])
            minv[1:][better] = reduced[better]
            way[1:][better] = col
            candidates = np.where(free, minv[1:], np.inf)
            nxt = int(np.argmin(candidates)) + 1
            delta = candidates[nxt - 1]
            u[owner[used]] += delta
            v[used] -= delta
            minv[1:][free] -= delta
            col = nxt
            if owner[col] == 0:
                break
        while col:
            prev = way[col]
            owner[col] = owner[prev]
            col = prev
    assigned = np.empty(n, dtype=np.int64)
    assigned[owner[1:][owner[1:] > 0] - 1] = np.flatnonzero(owner[1:] > 0)
    return assigned


def _objects_min_cost_flow(r: _Records) -> tuple[list[int], list[int]]:
    """Min-cost flow on the reuse graph: each tensor either opens a new object (cost: its size) or continues
    the object of one tensor released before it starts (cost: the growth, size_j - size_i when positive); each
    released tensor is continued at most once. With unit capacities this flow is an assignment problem
    (tensors to 'continue i' or 'open new' columns), solved exactly; the chains it forms are the objects."""
    n = r.n
    if n > MIN_COST_FLOW_MAX_RECORDS:
        raise InvalidArgumentError(f"min_cost_flow: {n} records is more than {MIN_COST_FLOW_MAX_RECORDS}; "
                                   "its O(n^3) solver would take too long")
    sizes = r.size.astype(np.float64)
    forbidden = float(sizes.sum()) * 2 + 1.0
    cost = np.full((n, 2 * n), forbidden)
    follows = r.first[:, None] > r.last[None, :]                 # [j, i]: j starts after i ends
    cost[:, :n] = np.where(follows, np.maximum(0.0, sizes[:, None] - sizes[None, :]), forbidden)
    cost[np.arange(n), n + np.arange(n)] = sizes
    column = _min_cost_assignment(cost)
    successor = np.full(n, -1)
    continues = column < n
    successor[column[continues]] = np.flatnonzero(continues)
    ids = [-1] * n
    object_sizes: list[int] = []
    for start in np.flatnonzero(~continues).tolist():
        j, size = start, 0
        while j >= 0:
            ids[j] = len(object_sizes)
            size = max(size, int(r.size[j]))
            j = int(successor[j])
        object_sizes.append(size)
    return ids, object_sizes


SHARED_OBJECT_STRATEGIES: dict[str, Callable[[_Records], tuple[list[int], list[int]]]] = {
    "naive": _objects_naive,
    "equality": _objects_equality,
    "greedy_in_order": _objects_greedy_in_order,
    "greedy_by_breadth": _objects_greedy_by_breadth,
    "greedy_by_size": _objects_greedy_by_size,
    "min_cost_flow": _objects_min_cost_flow,
}


def plan_shared_objects(records: Sequence, strategy: str = "best") -> ObjectAssignment:
    """Assigns each record an object id. strategy: one of SHARED_OBJECT_STRATEGIES, or "best" (the smallest
    total of all of them; min_cost_flow only where it is tractable)."""
    r = _Records(records)
    if strategy == "best":
        results = [plan_shared_objects(records, name) for name in SHARED_OBJECT_STRATEGIES
                   if name != "min_cost_flow" or r.n <= MIN_COST_FLOW_MAX_RECORDS]
        return min(results, key=lambda a: (a.total_bytes, a.objects))
    if strategy not in SHARED_OBJECT_STRATEGIES:
        raise InvalidArgumentError(f"plan_shared_objects: unknown strategy {strategy!r}; expected 'best' or one "
                                   f"of {', '.join(SHARED_OBJECT_STRATEGIES)}")
    ids, sizes = SHARED_OBJECT_STRATEGIES[strategy](r)
    return ObjectAssignment(strategy, ids, sizes)


# ---------------------------------------------------------------- offsets

def _place(r: _Records, offsets: np.ndarray, placed: np.ndarray, i: int) -> None:
    """Puts tensor i into the smallest gap between the placed tensors alive with it that holds it (best fit),
    else above the highest of them."""
    size = int(r.aligned[i])
    mask = placed & (r.first <= r.last[i]) & (r.last >= r.first[i])
    idx = np.flatnonzero(mask)
    best, best_gap, top = None, None, 0
    if idx.size:
        idx = idx[np.argsort(offsets[idx], kind="stable")]
        for j in idx.tolist():
            gap = int(offsets[j]) - top
            if gap >= size and (best_gap is None or gap < best_gap):
                best, best_gap = top, gap
            top = max(top, int(offsets[j] + r.aligned[j]))
    offsets[i] = top if best is None else best
    placed[i] = True


def _offsets_greedy(r: _Records, order: Sequence[int]) -> np.ndarray:
    offsets = np.zeros(r.n, dtype=np.int64)
    placed = np.zeros(r.n, dtype=bool)
    for i in order:
        _place(r, offsets, placed, i)
    return offsets


def _offsets_greedy_by_size(r: _Records) -> np.ndarray:
    """Tensors in decreasing size, each at the best-fitting gap."""
    return _offsets_greedy(r, np.lexsort((r.first, -r.aligned)).tolist())


def _offsets_greedy_by_breadth(r: _Records) -> np.ndarray:
    """Steps in decreasing breadth; at each, its unplaced tensors in decreasing size, at the best-fitting gap."""
    breadth = r.breadths(r.aligned)
    live = r.live_at()
    seen = np.zeros(r.n, dtype=bool)
    order: list[int] = []
    for t in np.argsort(-breadth, kind="stable").tolist():
        for i in sorted(live[t].tolist(), key=lambda i: (-r.aligned[i], i)):
            if not seen[i]:
                seen[i] = True
                order.append(i)
    return _offsets_greedy(r, order)


def _offsets_strip_packing(r: _Records) -> np.ndarray:
    """Best-fit skyline strip packing (Sekiyama et al. 2018): time on the x axis (fixed per tensor), bytes on
    y. Repeatedly take the lowest skyline segment; place there the unplaced tensor that fits inside it (the
    longest-lived, then the largest), raising the skyline over its interval; when none fits, lift the segment
    to its lower neighbour."""
    steps = r.steps
    height = np.zeros(steps, dtype=np.int64)
    offsets = np.zeros(r.n, dtype=np.int64)
    unplaced = set(range(r.n))
    while unplaced:
        low = int(height.min())
        start = int(np.argmax(height == low))
        end = start
        while end + 1 < steps and height[end + 1] == low:
            end += 1
        inside = [i for i in unplaced if r.first[i] >= start and r.last[i] <= end]
        if inside:
            i = max(inside, key=lambda i: (r.last[i] - r.first[i], r.aligned[i], -i))
            offsets[i] = low
            height[r.first[i]:r.last[i] + 1] = low + r.aligned[i]
            unplaced.discard(i)
            continue
        # nothing fits, so the segment is not the whole width (every interval lies within it): lift it
        height[start:end + 1] = min(int(height[k]) for k in (start - 1, end + 1) if 0 <= k < steps)
    return offsets


OFFSET_STRATEGIES: dict[str, Callable[[_Records], np.ndarray]] = {
    "greedy_by_size": _offsets_greedy_by_size,
    "greedy_by_breadth": _offsets_greedy_by_breadth,
    "strip_packing": _offsets_strip_packing,
}


def plan_offsets(records: Sequence, strategy: str = "best", alignment: int = 64) -> OffsetAssignment:
    """Assigns each record a byte offset (a multiple of `alignment`) in one arena. strategy: one of
    OFFSET_STRATEGIES, or "best" (the smallest arena of all of them)."""
    r = _Records(records, alignment)
    if strategy == "best":
        results = [plan_offsets(records, name, alignment) for name in OFFSET_STRATEGIES]
        return min(results, key=lambda a: a.total_bytes)
    if strategy not in OFFSET_STRATEGIES:
        raise InvalidArgumentError(f"plan_offsets: unknown strategy {strategy!r}; expected 'best' or one of "
                                   f"{', '.join(OFFSET_STRATEGIES)}")
    offsets = OFFSET_STRATEGIES[strategy](r) if r.n else np.zeros(0, dtype=np.int64)
    total = int((offsets + r.aligned).max()) if r.n else 0
    return OffsetAssignment(strategy, offsets.tolist(), total, alignment)
