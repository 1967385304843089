"""XGBoost's regressor trained from a plain DMatrix.

The scikit-learn API builds a QuantileDMatrix for the `hist` method, which reads the array
through a Python callback called from C. The iteration alarm can ring inside that callback;
ctypes then swallows the timeout, XGBoost's C side gets no batch back and the step process can
die. A plain DMatrix is built in C alone, so the alarm's timeout reaches Python between rounds.
"""
from __future__ import annotations

from xgboost import DMatrix, XGBRegressor


class PlainXGBRegressor(XGBRegressor):
    def _create_dmatrix(self, ref, **kwargs):
        return DMatrix(**kwargs, nthread=self.n_jobs)
