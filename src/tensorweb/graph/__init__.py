"""TF.js graph models: GraphDef JSON (graphdef.py) → op mappers (ops/, one module per TF.js op category) →
compiled plans with constant folding, liveness and control flow (executor.py) → GraphModel (model.py)."""
from .model import GraphModel, TensorInfo, load_graph_model

__all__ = ["GraphModel", "TensorInfo", "load_graph_model"]
