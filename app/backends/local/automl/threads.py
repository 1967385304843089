"""BLAS threads capped at max_cores_per_iteration, as Azure caps the threads of an iteration.

OpenBLAS (numpy's and scipy's copies) otherwise starts a thread per core for each large vector
operation. Scikit-learn's coordinate descent (ElasticNet) makes thousands of such calls per fit,
and when another process holds a core each call waits for a thread that is not scheduled: on 2
cores beside one busy process, an ElasticNet iteration on 300 daily series (120,000 rows) ran past
40 s and the experiment timeout, against 4 s with one BLAS thread (measured in the pipeline,
`OPENBLAS_NUM_THREADS=1`). LightGBM and XGBoost take their threads from `n_jobs` instead.
"""
from __future__ import annotations

import os


def limit_blas_threads(max_cores: int | None):
    """Cap the BLAS thread pools of this process; returns the limiter (keep it for the process's life)."""
    import scipy.linalg  # noqa: F401 - loads scipy's own OpenBLAS, so that the cap reaches it too
    from threadpoolctl import threadpool_limits

    cores = (os.cpu_count() or 1) if max_cores in (None, -1) else max(1, int(max_cores))
    return threadpool_limits(limits=cores, user_api="blas")
