"""Display names for the comparison's choices, shared by the controls, the axes and undo texts.

Kept in one place so a metric is called the same thing in the toolbar, on the axis and in
'Undo Change metric to YoY'. Functions rather than constants: the strings are translated when
asked for, after the translators are installed.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from evcompare.model.entities import EntityTree
from evcompare.model.metrics import METRICS, PERCENT_METRICS, metric_unit
from evcompare.model.periods import FREQUENCIES


def _tr(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def metric_labels() -> dict[str, str]:
    names = {
        "total": _tr("Total"), "cumulative": _tr("Cumulative"), "ytd": _tr("Year to date"),
        "yoy": _tr("YoY"), "mom": _tr("MoM"), "share": _tr("Share of alliance"),
        "run_rate": _tr("Run-rate"), "attainment": _tr("Target attainment"),
        "pace": _tr("Pace to target"), "asp": _tr("Average selling price"),
    }
    return {metric: names[metric] for metric in METRICS}


def metric_tooltips() -> dict[str, str]:
    return {
        "total": _tr("The figure for each period"),
        "cumulative": _tr("Running total since the entity's launch"),
        "ytd": _tr("Running total since January of the same year"),
        "yoy": _tr("Change against the same period a year earlier, in %"),
        "mom": _tr("Change against the previous period, in %"),
        "share": _tr("A HIMA brand's or model's share of HIMA's reported total, in %"),
        "run_rate": _tr("Average of the trailing three months"),
        "attainment": _tr("Year-to-date figure against the annual target in force, in %"),
        "pace": _tr("Units per month still needed to meet the annual target"),
        "asp": _tr("Smart-EV revenue divided by deliveries"),
    }


_MEASURES = {
    "deliveries": "Deliveries", "sales": "Sales", "production": "Production",
    "insurance_registrations": "Insurance registrations", "smart_ev_revenue": "Smart-EV revenue",
    "average_selling_price": "Average selling price", "segment_gross_margin": "Segment gross margin",
}


def measure_label(measure: str) -> str:
    """A readable name; measures the app has no name for are shown from their identifier."""
    known = _MEASURES.get(measure)
    return _tr(known) if known else measure.replace("_", " ").capitalize()


def frequency_labels() -> dict[str, str]:
    names = {"month": _tr("Month"), "quarter": _tr("Quarter"), "year": _tr("Year")}
    return {freq: names[freq] for freq in FREQUENCIES}


def chart_labels() -> dict[str, str]:
    return {"line": _tr("Line"), "bars": _tr("Bars"), "area": _tr("Stacked area"), "race": _tr("Race")}


def layout_labels() -> dict[str, str]:
    return {"overlay": _tr("Overlay"), "side_by_side": _tr("Side by side"),
            "multiples": _tr("Small multiples")}


def language_labels() -> dict[str, str]:
    return {"en": _tr("English"), "zh": _tr("Chinese"), "both": _tr("English and Chinese")}


def theme_labels() -> dict[str, str]:
    return {"light": _tr("Light"), "dark": _tr("Dark")}


def category_labels() -> dict[str, str]:
    return {"launch": _tr("Launches"), "production": _tr("Production and delivery"),
            "financial": _tr("Financial"), "corporate": _tr("Corporate"),
            "alliance": _tr("Alliance"), "target": _tr("Targets")}


def entity_labels(tree: EntityTree, language: str) -> dict[str, str]:
    return {entity.id: entity.label(language) for entity in tree}


def measure_metric_label(measure: str, metric: str) -> str:
    """'Deliveries' for the plain figures, 'Deliveries, YoY' for a metric of them."""
    name = measure_label(measure)
    if metric == "total":
        return name
    return _tr("{measure}, {metric}").format(measure=name, metric=metric_labels()[metric])


def value_axis_title(measure: str, metric: str, unit: str) -> str:
    """'Deliveries, YoY (%)': what the value axis counts, in which unit."""
    name = measure_metric_label(measure, metric)
    unit_text = metric_unit(metric, unit)
    return _tr("{name} ({unit})").format(name=name, unit=unit_text) if unit_text else name


def is_percent(metric: str) -> bool:
    return metric in PERCENT_METRICS
