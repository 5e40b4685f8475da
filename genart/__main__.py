"""`python -m genart` runs the command line."""

import sys

from genart.cli import main

sys.exit(main())
