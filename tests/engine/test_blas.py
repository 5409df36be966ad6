import threading

import pytest

from engine.blas import limit_blas, prepare


def test_the_blas_limit_takes_effect_on_a_helper_thread():
    """threadpoolctl lets only one living thread change OpenBLAS's thread count; once the main thread
    had limited BLAS, a limit set on a helper thread silently did nothing (fits 5-30x slower)."""
    controller = prepare()
    if not controller:
        pytest.skip("threadpoolctl cannot control this BLAS")
    with limit_blas(1):
        pass                                   # the main thread is now threadpoolctl's "controlling thread"
    seen = []

    def helper():
        with limit_blas(1):
            seen.append([i["num_threads"] for i in controller.info() if i["user_api"] == "blas"])

    thread = threading.Thread(target=helper)
    thread.start()
    thread.join()
    assert seen and seen[0] and all(n == 1 for n in seen[0])


def test_the_original_setting_comes_back_when_the_last_run_leaves_on_another_thread():
    controller = prepare()
    if not controller:
        pytest.skip("threadpoolctl cannot control this BLAS")
    before = [i["num_threads"] for i in controller.info() if i["user_api"] == "blas"]
    first = limit_blas(1)
    first.__enter__()
    inside = [i["num_threads"] for i in controller.info() if i["user_api"] == "blas"]
    done = threading.Thread(target=lambda: first.__exit__(None, None, None))
    done.start()
    done.join()
    after = [i["num_threads"] for i in controller.info() if i["user_api"] == "blas"]
    assert all(n == 1 for n in inside)
    assert after == before
