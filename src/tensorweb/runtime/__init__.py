"""Static memory planning for fixed plans (TFLite's memory planner): tensor usage records (records.py), traced
from any run (trace.py), and the planners that assign them arena offsets or shared objects (planning.py)."""
from .planning import (OFFSET_STRATEGIES, SHARED_OBJECT_STRATEGIES, LowerBounds, ObjectAssignment, OffsetAssignment,
                       lower_bounds, plan_offsets, plan_shared_objects)
from .records import TensorUsageRecord
from .arena import ArenaPlan, Compiled, compile
from .trace import Trace, trace, tracing

__all__ = ["compile", "Compiled", "ArenaPlan", "TensorUsageRecord", "Trace", "trace", "tracing", "lower_bounds", "plan_offsets", "plan_shared_objects",
           "LowerBounds", "OffsetAssignment", "ObjectAssignment", "OFFSET_STRATEGIES", "SHARED_OBJECT_STRATEGIES"]
