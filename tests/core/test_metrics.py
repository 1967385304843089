import json

import pandas as pd

from app.core.metrics import (best_index, best_so_far, find_metrics_file, read_metrics_file, tidy_frame,
                              write_metrics_file)
from app.core.runs import IterationRecord, normalize_status


def test_written_file_has_azure_shape(tmp_path):
    its = [IterationRecord(f"abc_{i}", i, metrics={"AUC_weighted": 0.5 + i / 10, "accuracy": 0.7}) for i in range(3)]
    path = write_metrics_file(tmp_path / "metrics_data", its)
    frame = pd.DataFrame(json.loads(path.read_text()))
    assert list(frame.columns) == ["abc_0", "abc_1", "abc_2"]
    assert set(frame.index) == {"AUC_weighted", "accuracy"}
    assert frame.loc["AUC_weighted", "abc_2"] == [0.7]


def test_reader_tolerates_azure_downloads(tmp_path):
    folder = tmp_path / "azureml" / "1acd"
    folder.mkdir(parents=True)
    (folder / "metrics_data").write_text(json.dumps({
        "1acd_10": {"AUC_weighted": [0.94], "accuracy": 0.91},
        "1acd_2": {"AUC_weighted": ["0.90"], "confusion_matrix": "aml://artifactId/x"},
    }))
    assert find_metrics_file(tmp_path) == folder / "metrics_data"
    data = read_metrics_file(tmp_path)
    assert data == {"1acd_10": {"AUC_weighted": 0.94, "accuracy": 0.91}, "1acd_2": {"AUC_weighted": 0.90}}
    tidy = tidy_frame(data)
    assert list(tidy["iteration"]) == [2, 10]


def test_best_so_far_respects_direction():
    assert best_so_far([0.5, 0.4, 0.7, None], "AUC_weighted") == [0.5, 0.5, 0.7, 0.7]
    assert best_so_far([0.5, 0.4, 0.7], "log_loss") == [0.5, 0.4, 0.4]
    assert best_index([0.3, 0.2, 0.25], "normalized_root_mean_squared_error") == 1


def test_status_normalisation():
    assert normalize_status("Finished") == "Completed"
    assert normalize_status("Running") == "Running"
    assert normalize_status("Weird") == "Unknown"
