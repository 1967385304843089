"""The order of a forecasting run's first iterations, and the BLAS threads of the step."""
from __future__ import annotations

from app.backends.local.automl.forecasting import schedule
from app.backends.local.automl.threads import limit_blas_threads

ALL = schedule.allowed_algorithms(None, None)


def _names(candidates) -> list[str]:
    return [c.algorithm for c in candidates]


def test_per_series_models_go_after_the_regression_learners_when_many_series_make_them_slow():
    first = schedule.first_candidates(ALL, 7, False)
    assert _names(first).index("ExponentialSmoothing") < _names(first).index("LightGBM")
    # 300 series, 4 fits each at 0.2 s: 240 s, far more than a quarter of a minute
    ordered, cost = schedule.defer_slow_per_series(first, 0.2, 300, 4, 60.0)
    assert cost == 240.0
    names = _names(ordered)
    assert names[:4] == ["Naive", "SeasonalNaive", "Average", "SeasonalAverage"]
    assert max(names.index(n) for n in schedule.DEFAULTS) < names.index("ExponentialSmoothing")
    assert names[-3:] == ["ExponentialSmoothing", "ExponentialSmoothing", "AutoArima"]
    assert sorted(names) == sorted(_names(first))
    # 10 series: 8 s of a minute, the order stays; no timeout: the order stays
    assert schedule.defer_slow_per_series(first, 0.2, 10, 4, 60.0)[0] == first
    assert schedule.defer_slow_per_series(first, 0.2, 300, 4, None)[0] == first


def test_the_step_caps_every_blas_pool_at_max_cores_per_iteration():
    from threadpoolctl import threadpool_info

    limiter = limit_blas_threads(1)
    try:
        pools = [p for p in threadpool_info() if p["user_api"] == "blas"]
        assert pools and all(p["num_threads"] == 1 for p in pools)
    finally:
        limiter.restore_original_limits()
