"""The ForecastingParameters block of the AutoML page (shown for task: forecasting only)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit

from app.ui.wizard.base import FieldMessages
from app.ui.wizard.fields import NumberEdit, names_text, parse_names

PATH = "automl.forecasting"


class ForecastingGroup(QGroupBox):
    changed = Signal()
    """A forecasting field was edited."""

    def __init__(self, messages: FieldMessages, parent=None):
        super().__init__("Forecasting", parent)
        self._extra: dict = {}
        self.time_column = QComboBox()
        self.time_column.setEditable(True)
        self.horizon = NumberEdit(int, optional=False)
        self.series_ids = QLineEdit()
        self.series_ids.setPlaceholderText("columns that identify a series, comma-separated")
        self.freq = QLineEdit()
        self.freq.setPlaceholderText("e.g. D, W, MS (inferred when empty)")
        self.holidays = QLineEdit()
        self.holidays.setPlaceholderText("e.g. US")
        form = QFormLayout(self)
        for label, widget, key in (("Time column:", self.time_column, "time_column_name"),
                                   ("Forecast horizon:", self.horizon, "forecast_horizon"),
                                   ("Series ID columns:", self.series_ids, "time_series_id_column_names"),
                                   ("Frequency:", self.freq, "freq"),
                                   ("Holidays of country:", self.holidays, "country_or_region_for_holidays")):
            form.addRow(label, widget)
            form.addRow("", messages.add(f"{PATH}.{key}"))
        form.addRow("", messages.add(PATH))
        self.time_column.currentTextChanged.connect(self.changed)
        for edit in (self.horizon, self.series_ids, self.freq, self.holidays):
            edit.textChanged.connect(self.changed)

    def load(self, settings: dict | None, columns: list[str]) -> None:
        settings = dict(settings or {})
        self.time_column.clear()
        self.time_column.addItems(columns)
        self.time_column.setCurrentText(str(settings.pop("time_column_name", "") or ""))
        self.horizon.set_value(settings.pop("forecast_horizon", 1))
        self.series_ids.setText(names_text(settings.pop("time_series_id_column_names", [])))
        self.freq.setText(str(settings.pop("freq", "") or ""))
        self.holidays.setText(str(settings.pop("country_or_region_for_holidays", "") or ""))
        self._extra = settings  # settings without a field here are kept as they were

    def value(self) -> tuple[dict, list[tuple[str, str]]]:
        """The block as a dict, and (path, message) for fields that do not parse."""
        horizon, problem = self.horizon.parse()
        out = dict(self._extra)
        out["time_column_name"] = self.time_column.currentText().strip()
        out["forecast_horizon"] = horizon if horizon is not None else 1
        ids = parse_names(self.series_ids.text())
        if ids:
            out["time_series_id_column_names"] = ids
        for key, edit in (("freq", self.freq), ("country_or_region_for_holidays", self.holidays)):
            if edit.text().strip():
                out[key] = edit.text().strip()
        return out, ([(f"{PATH}.forecast_horizon", problem)] if problem else [])
