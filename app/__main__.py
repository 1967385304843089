"""`python -m app`: the GUI, or a CLI command when arguments are given."""
import sys

from app.cli import main

sys.exit(main())
