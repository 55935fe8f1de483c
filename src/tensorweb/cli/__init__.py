"""The `tensorweb` command. Each subcommand lives in a module of this folder that defines
`register(subparsers)`; `main` dispatches to the function the subcommand's parser sets as `run`."""
from __future__ import annotations

import argparse
import sys

from ..errors import TensorwebError

_MODULES = ("models", "plan", "zoo")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tensorweb", description="TensorFlow.js models and tools in Python.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    import importlib
    for name in _MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except (TensorwebError, FileNotFoundError, ImportError) as e:
        print(f"tensorweb {args.command}: error: {e}", file=sys.stderr)
        return 2
