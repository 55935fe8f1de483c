"""python -m tensorweb: the `tensorweb` command."""
import sys

from .cli import main

sys.exit(main())
