"""Synthetic multi-agency source files with known truth, for the targeting benchmark: the
generator lives in the package (earlyhelp.targeting.synthetic, which the demo uses too).

    python bench/targeting/generate.py --records 200000 --out var/bench/targeting/data
"""

import sys

from earlyhelp.targeting.synthetic import main

if __name__ == "__main__":
    sys.exit(main())
