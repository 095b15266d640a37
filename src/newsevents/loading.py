"""Loading models and dictionaries: the cyclic garbage collector paused, BLAS on one thread."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits


@contextmanager
def loading() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading, then freeze what was loaded.

    Loading spaCy, the lexicon and the gazetteer creates hundreds of thousands of objects
    that live as long as the process. Every collection their allocation triggers walks all of
    them again: the lexicon builds in 0.12 s with the collector paused and 0.36 s without,
    once spaCy is loaded. Frozen (`gc.freeze`), they are also left out of every later
    collection, which spares the coding loop the same walks and keeps forked workers from
    writing to, and so copying, the pages they share. Nothing loaded is ever freed, so
    nothing is lost by not collecting it.

    Then numpy's BLAS is held to one thread. Its only large products here (py3langid's
    language scores, the learned heads) are too small to gain from a second thread, whose
    waiting still costs CPU: coding 150 articles took 24.7 s of CPU for 18.5 s of wall clock
    with BLAS's default threads, 18.3 s for 18.4 s with one. Scale-out is by processes
    (`nlp.n_process`, Dask workers), each of which comes through here.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
        threadpool_limits(limits=1, user_api="blas")
