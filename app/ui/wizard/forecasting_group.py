"""The ForecastingParameters block of the AutoML page (shown for task: forecasting only).

The time column and the series-id columns are picked from the dataset's columns; the
frequency, when left empty, shows what the data's sample implies. The settings most runs
leave on "auto" sit in a collapsed Advanced section.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QToolButton, QVBoxLayout, QWidget)

from app.core.label_profile import has_decimals
from app.core.timeseries import describe_freq, parse_times, sample_contradiction, sample_freq
from app.ui.wizard.base import FieldMessages
from app.ui.wizard.fields import NumberEdit

PATH = "automl.forecasting"
SHORT_SERIES = (("auto", "auto"), ("pad", "pad"), ("drop", "drop"), ("no handling (refuse short series)", None))
FEATURE_LAGS = (("none", None), ("auto", "auto"))
AUTO = "auto"


class ForecastingGroup(QGroupBox):
    changed = Signal()
    """A forecasting field was edited."""

    def __init__(self, messages: FieldMessages, parent=None):
        super().__init__("Forecasting", parent)
        self._extra: dict = {}
        self._sample = None
        self._checked_sample: tuple = (None, None)      # (what was asked of this sample, the answer)
        self.time_column = QComboBox()
        self.time_column.setEditable(True)
        self.horizon = NumberEdit(int, optional=False)
        self.series_ids = QListWidget()
        self.series_ids.setMaximumHeight(90)
        self.series_ids.setToolTip("Tick the columns that identify a series when the table holds several")
        self.freq = QLineEdit()
        self.freq.setPlaceholderText("inferred from the data")
        self.inferred = QLabel()
        self.inferred.setWordWrap(True)
        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText("Advanced")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced = QWidget()
        self.advanced.setVisible(False)
        self.target_lags = QLineEdit()
        self.target_lags.setPlaceholderText("auto (or periods, e.g. 1, 2, 12)")
        self.window = NumberEdit(int, placeholder=AUTO)
        self.seasonality = NumberEdit(int, placeholder=AUTO)
        self.cv_step = NumberEdit(int, placeholder=AUTO)
        self.short_series = QComboBox()
        for text, value in SHORT_SERIES:
            self.short_series.addItem(text, value)
        self.feature_lags = QComboBox()
        for text, value in FEATURE_LAGS:
            self.feature_lags.addItem(text, value)
        self.holidays = QLineEdit()
        self.holidays.setPlaceholderText("none (e.g. US, DE)")

        form = QFormLayout(self)
        for label, widget, key in (("Time column:", self.time_column, "time_column_name"),
                                   ("Forecast horizon (periods):", self.horizon, "forecast_horizon"),
                                   ("Series ID columns:", self.series_ids, "time_series_id_column_names"),
                                   ("Frequency:", self.freq, "freq")):
            form.addRow(label, widget)
            if key == "freq":
                form.addRow("", self.inferred)
            form.addRow("", messages.add(f"{PATH}.{key}"))
        advanced = QFormLayout(self.advanced)
        advanced.setContentsMargins(0, 0, 0, 0)
        for label, widget, key in (("Target lags:", self.target_lags, "target_lags"),
                                   ("Rolling window (periods):", self.window, "target_rolling_window_size"),
                                   ("Seasonality (periods):", self.seasonality, "seasonality"),
                                   ("Rolling-origin step:", self.cv_step, "cv_step_size"),
                                   ("Short series:", self.short_series, "short_series_handling_configuration"),
                                   ("Feature lags:", self.feature_lags, "feature_lags"),
                                   ("Holidays of country:", self.holidays, "country_or_region_for_holidays")):
            advanced.addRow(label, widget)
            advanced.addRow("", messages.add(f"{PATH}.{key}"))
        box = QVBoxLayout()
        box.addWidget(self.advanced_toggle)
        box.addWidget(self.advanced)
        form.addRow(box)
        form.addRow("", messages.add(PATH))

        self.advanced_toggle.toggled.connect(self._show_advanced)
        self.time_column.currentTextChanged.connect(self._offer_series_ids)
        self.time_column.currentTextChanged.connect(self._edited)
        self.series_ids.itemChanged.connect(self._edited)
        for edit in (self.horizon, self.freq, self.holidays, self.target_lags, self.window, self.seasonality,
                     self.cv_step):
            edit.textChanged.connect(self._edited)
        for combo in (self.short_series, self.feature_lags):
            combo.currentIndexChanged.connect(self._edited)

    @Slot(bool)
    def _show_advanced(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    @Slot()
    def _offer_series_ids(self, *_) -> None:
        """Every column but the time column and measurements with decimals (a price, a temperature)
        may identify a series; one already ticked stays offered."""
        time_column = self.time_column.currentText().strip()
        self.series_ids.blockSignals(True)
        for i in range(self.series_ids.count()):
            item = self.series_ids.item(i)
            is_time = item.text() == time_column
            if is_time:
                item.setCheckState(Qt.CheckState.Unchecked)
            measured = self._sample is not None and item.text() in self._sample.columns \
                and has_decimals(self._sample[item.text()]) and item.checkState() != Qt.CheckState.Checked
            item.setHidden(is_time or measured)
        self.series_ids.blockSignals(False)

    @Slot()
    def _edited(self, *_) -> None:
        self._show_inferred()
        self.changed.emit()

    def load(self, settings: dict | None, columns: list[str], sample=None) -> None:
        """Fill the fields from the block; `sample` (a frame of the data) lets the frequency be inferred."""
        settings = dict(settings or {})
        self._sample, self._checked_sample = sample, (None, None)
        widgets = (self.time_column, self.series_ids, self.horizon, self.freq, self.holidays, self.target_lags,
                   self.window, self.seasonality, self.cv_step, self.short_series, self.feature_lags)
        for widget in widgets:
            widget.blockSignals(True)
        self.time_column.clear()
        self.time_column.addItems(columns)
        self.time_column.setCurrentText(str(settings.pop("time_column_name", "") or "") or time_like(sample, columns))
        self.horizon.set_value(settings.pop("forecast_horizon", 1))
        ids = settings.pop("time_series_id_column_names", []) or []
        ids = [ids] if isinstance(ids, str) else list(ids)
        self.series_ids.clear()
        for column in columns:
            item = QListWidgetItem(column)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if column in ids else Qt.CheckState.Unchecked)
            self.series_ids.addItem(item)
        self.freq.setText(str(settings.pop("freq", "") or ""))
        self.holidays.setText(str(settings.pop("country_or_region_for_holidays", "") or ""))
        lags = settings.pop("target_lags", None)
        self.target_lags.setText("" if lags in (None, AUTO) else ", ".join(map(str, lags if isinstance(lags, list)
                                                                              else [lags])))
        for edit, key in ((self.window, "target_rolling_window_size"), (self.seasonality, "seasonality"),
                          (self.cv_step, "cv_step_size")):
            value = settings.pop(key, None)
            edit.set_value(None if value == AUTO else value)
        self.short_series.setCurrentIndex(max(0, self.short_series.findData(
            settings.pop("short_series_handling_configuration", AUTO))))
        self.feature_lags.setCurrentIndex(max(0, self.feature_lags.findData(settings.pop("feature_lags", None))))
        self._extra = settings  # settings without a field here are kept as they were
        for widget in widgets:
            widget.blockSignals(False)
        self._offer_series_ids()
        self._show_inferred()

    def checked_series_ids(self) -> list[str]:
        return [self.series_ids.item(i).text() for i in range(self.series_ids.count())
                if self.series_ids.item(i).checkState() == Qt.CheckState.Checked]

    def _contradiction(self) -> str | None:
        """What the preview sample proves wrong with the time column (said at the field, as an error).
        Kept for the same choices: each edit asks twice (the note, then the page's validation), and
        each answer parses the sample's times."""
        time_column = self.time_column.currentText().strip()
        if self._sample is None or not time_column:
            return None
        ids, aggregated = self.checked_series_ids(), bool(self._extra.get("target_aggregation_function"))
        asked = (time_column, tuple(ids), aggregated)
        if self._checked_sample[0] != asked:
            self._checked_sample = (asked, sample_contradiction(self._sample, time_column, ids, aggregated))
        return self._checked_sample[1]

    def _show_inferred(self) -> None:
        if self.freq.text().strip() or self._sample is None or not self.time_column.currentText().strip() \
                or self._contradiction():
            self.inferred.hide()
            return
        freq, why = sample_freq(self._sample, self.time_column.currentText().strip(), self.checked_series_ids())
        self.inferred.setText(f"Inferred from the data: {describe_freq(freq)}" if freq else f"Not inferred: {why}")
        self.inferred.show()

    def value(self) -> tuple[dict, list[tuple[str, str]]]:
        """The block as a dict, and (path, message) for fields that do not parse."""
        problems = []
        out = dict(self._extra)
        out["time_column_name"] = self.time_column.currentText().strip()
        contradiction = self._contradiction()
        if contradiction:
            problems.append((f"{PATH}.time_column_name", contradiction))
        horizon, problem = self.horizon.parse()
        out["forecast_horizon"] = horizon if horizon is not None else 1
        if problem:
            problems.append((f"{PATH}.forecast_horizon", problem))
        ids = self.checked_series_ids()
        if ids:
            out["time_series_id_column_names"] = ids
        for key, edit in (("freq", self.freq), ("country_or_region_for_holidays", self.holidays)):
            if edit.text().strip():
                out[key] = edit.text().strip()
        lags_text = self.target_lags.text().strip()
        if lags_text and lags_text != AUTO:
            parts = [p.strip() for p in lags_text.split(",") if p.strip()]
            if all(p.isdigit() for p in parts):
                out["target_lags"] = [int(p) for p in parts]
            else:
                problems.append((f"{PATH}.target_lags", f"enter whole numbers of periods separated by commas, "
                                                        f"not '{lags_text}'"))
        for edit, key in ((self.window, "target_rolling_window_size"), (self.seasonality, "seasonality"),
                          (self.cv_step, "cv_step_size")):
            value, problem = edit.parse()
            if problem:
                problems.append((f"{PATH}.{key}", problem))
            elif value is not None:
                out[key] = value
        short = self.short_series.currentData()
        if short != AUTO:
            out["short_series_handling_configuration"] = short
        if self.feature_lags.currentData():
            out["feature_lags"] = self.feature_lags.currentData()
        return out, problems


def time_like(sample, columns: list[str]) -> str:
    """The first text column of the sample whose values all read as dates, else ''."""
    if sample is None:
        return ""
    for column in columns:
        values = sample[column] if column in sample.columns else None
        if values is None or values.dropna().empty or values.dtype.kind in "biuf":
            continue
        if parse_times(values)[1] is None:
            return column
    return ""
