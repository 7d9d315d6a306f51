"""Python's garbage collector set for a long-running web worker (issue 19; decision record
operations-collector-tuned-for-serving.md).

With the interpreter's defaults a worker spent a casework page's worth of time in the collector:
a young-generation collection in most episode pages (the page's own short-lived rows, still in
use, traversed and promoted), and every few hundred requests a full collection of every object
the worker had loaded at start – some 200,000 of them, about 80 ms each on these machines.

    from earlyhelp.operations.collector import tune_for_serving
    tune_for_serving()  # once the application is loaded and warmed up (earlyhelp.wsgi)
"""

import atexit
import gc

# Container objects allocated (net of those freed) before a young collection: the interpreter's
# 700 is less than one casework page makes, so most requests ran one on objects the page was
# still using. At 5,000 most of a page's objects are freed by their reference counts before a
# collection sees them; what a collection still finds is mostly garbage. Measured on the
# full-size borough (SQLite, episode page): 0.19 ms of collection a request on average with the
# frozen start-up objects at 700, 0.13 ms at 5,000 (docs/capacity.md).
YOUNG_COLLECTION_THRESHOLD = 5000


def tune_for_serving() -> None:
    """Freeze what the worker has loaded so far (modules, URL tables, compiled templates – kept
    for the worker's life) out of the collector's sight, and collect young objects less often.
    The older generations' thresholds stay the interpreter's."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)
    # At exit the frozen objects are handed back, so the interpreter's last collection frees them
    # (extension modules otherwise report them as leaked).
    atexit.register(gc.unfreeze)
