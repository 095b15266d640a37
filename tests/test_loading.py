"""Loading pauses the cyclic collector, freezes what it loaded and holds BLAS to one thread."""

from __future__ import annotations

import gc

import numpy  # noqa: F401  (loads the BLAS library threadpoolctl inspects)
from threadpoolctl import threadpool_info, threadpool_limits

from newsevents.loading import loading


def test_loading_pauses_collection_then_freezes_and_restores_it() -> None:
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    with threadpool_limits(limits=2, user_api="blas"):  # as a default BLAS would start
        try:
            with loading():
                assert not gc.isenabled()
                loaded = [{"n": n} for n in range(10_000)]  # objects the collector tracks
            assert gc.isenabled()
            assert gc.get_freeze_count() >= frozen_before + len(loaded)
            blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
            assert blas and all(p["num_threads"] == 1 for p in blas)
        finally:
            gc.unfreeze()


def test_loading_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with loading():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
