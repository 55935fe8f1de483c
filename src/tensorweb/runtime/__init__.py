"""Static memory planning for fixed plans: tensor usage records (records.py) and the planners that assign
arena offsets or shared objects to them (planning.py)."""
from .records import TensorUsageRecord

__all__ = ["TensorUsageRecord"]
