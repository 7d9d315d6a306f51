# targeting's fixtures (its data directory, an analyst, a worker) for the run-backed tests.
from earlyhelp.targeting.tests.conftest import analyst, targeting_dir, worker  # noqa: F401
