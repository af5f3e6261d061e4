"""`python -m evcompare` runs the same entry point as the `evcompare` command."""

import sys

from evcompare.startup import main

sys.exit(main())
