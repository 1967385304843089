"""Any completed iteration of a forecasting run rebuilt as its search built it, for registering
it (Azure's `get_output(iteration=i)`): the run's settings file and training data give the same
series, origins and features; the iteration's algorithm and recorded hyperparameters give the
forecaster, with the run's seed. Its rolling origins are fitted again for the interval widths,
then it is fitted on all data. A VotingEnsemble rebuilds its members and keeps its weights."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from app.backends.local.automl.data import read_table
from app.backends.local.automl.forecasting.forecasters import VotingEnsemble
from app.backends.local.automl.forecasting.model import ForecastModel
from app.backends.local.automl.forecasting.schedule import Candidate
from app.backends.local.automl.forecasting.step import ForecastRun
from app.backends.local.automl.settings import load_settings
from app.core.errors import UserInputError
from app.core.runs import IterationRecord


class _Unrecorded:
    """Outputs of a rebuild: the run already said its warnings, nothing is written again."""

    def warning(self, message: str) -> None:
        pass


def rebuild_iteration(settings_file: Path, data_path: Path, record: IterationRecord,
                      iterations: dict[int, IterationRecord]) -> ForecastModel:
    """The model of `record`; `iterations` (by number) give a VotingEnsemble's members."""
    settings, seed, warnings = load_settings(settings_file)
    step = SimpleNamespace(paths={"data": data_path}, stop_file=None, outputs=_Unrecorded(), run_id="rebuild")
    run = ForecastRun(step, settings, seed, warnings)
    run.prepare(read_table(data_path))
    if record.run_algorithm != "VotingEnsemble":
        return run.rebuilt_model(run.maker(Candidate(record.run_algorithm, dict(record.hyperparameters))))
    names = [str(n) for n in record.hyperparameters.get("ensembled_iterations") or []]
    weights = list(record.hyperparameters.get("ensemble_weights") or [])
    if not names or len(names) != len(weights) or any(not n.isdigit() or int(n) not in iterations for n in names):
        raise UserInputError(f"iteration {record.iteration} does not record its ensemble members and weights")
    makers = [(n, run.maker(Candidate(iterations[int(n)].run_algorithm, dict(iterations[int(n)].hyperparameters))))
              for n in names]
    return run.rebuilt_model(lambda: VotingEnsemble([(n, make()) for n, make in makers], weights))
