"""KPI cards show the core's latest, YTD, YoY and target figures with their qualifier signs."""

from __future__ import annotations

import pandas as pd
import pytest

from evcompare.model import metrics
from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.figures import Observation, Source
from evcompare.model.periods import Span, month
from evcompare.model.project import DataLayer, Override, Project
from evcompare.ui.kpi_cards import KEYS, KpiCards


@pytest.fixture
def project(dataset: Dataset) -> Project:
    return Project(dataset, Comparison(entities=("Xiaomi", "HIMA")))


@pytest.fixture
def cards(qtbot, project: Project) -> KpiCards:
    widget = KpiCards()
    qtbot.addWidget(widget)
    widget.update_cards(project)
    return widget


def _last_month_with_figure(ds: Dataset, entity: str, end: str) -> Span:
    for period in reversed(pd.period_range(end=end, periods=36, freq="M")):
        span = Span(period, period)
        if not ds.span(entity, "deliveries", span).missing:
            return span
    raise AssertionError(f"no monthly figure for {entity}")


def test_latest_and_yoy_match_the_core(cards: KpiCards, project: Project, dataset: Dataset) -> None:
    span = _last_month_with_figure(dataset, "Xiaomi", project.latest_month())
    texts = cards.card_texts()["Xiaomi"]
    assert texts["latest"] == dataset.span("Xiaomi", "deliveries", span).display()
    yoy = metrics.value_at(dataset, "Xiaomi", "deliveries", "yoy", span)
    assert texts["yoy"] == metrics.percent_text(yoy, signed=True)
    ytd = metrics.value_at(dataset, "Xiaomi", "deliveries", "ytd", span)
    assert texts["ytd"] == ytd.display()
    card = cards.cards()["Xiaomi"]
    assert span.label in card.captions["latest"].text()
    assert ytd.coverage in card.captions["ytd"].text()


def test_lower_bounds_show_their_sign(cards: KpiCards) -> None:
    texts = cards.card_texts()["Xiaomi"]  # Xiaomi's recent months are "over" figures
    assert texts["latest"].startswith("≥ ")
    assert texts["ytd"].startswith("≥ ")
    tip = cards.cards()["Xiaomi"].values["latest"].toolTip()
    assert "lower bound" in tip and "Coverage" in tip and "Sources:" in tip


def test_missing_target_shows_a_dash_and_why(cards: KpiCards, project: Project, dataset: Dataset) -> None:
    year = _last_month_with_figure(dataset, "HIMA", project.latest_month()).end.year
    card = cards.cards()["HIMA"]
    for key in ("attainment", "pace"):
        assert cards.card_texts()["HIMA"][key] == "—"
        assert f"no {year} target" in card.values[key].toolTip()


def test_attainment_and_pace_against_the_target_in_force(cards: KpiCards, dataset: Dataset) -> None:
    span = Span(month("2026-02"), month("2026-02"))
    attainment = metrics.value_at(dataset, "Xiaomi", "deliveries", "attainment", span)
    pace = metrics.value_at(dataset, "Xiaomi", "deliveries", "pace", span)
    texts = cards.card_texts()["Xiaomi"]
    assert texts["attainment"] == metrics.percent_text(attainment)
    assert texts["pace"] == pace.display()
    assert "550,000" in cards.cards()["Xiaomi"].values["attainment"].toolTip()


def test_period_end_moves_the_cards_back(qtbot, dataset: Dataset) -> None:
    widget = KpiCards()
    qtbot.addWidget(widget)
    widget.update_cards(Project(dataset, Comparison(entities=("Xiaomi",), end="2025-09")))
    texts = widget.card_texts()["Xiaomi"]
    assert texts["latest"] == "≥ 40,000"
    assert "2025-09" in widget.cards()["Xiaomi"].captions["latest"].text()
    assert set(texts) == set(KEYS)


def test_cards_are_reused_while_the_entities_stay(cards: KpiCards, project: Project) -> None:
    before = cards.cards()
    cards.update_cards(project)
    assert all(cards.cards()[e] is card for e, card in before.items())
    project.set_comparison(project.comparison.replace(language="zh"))
    cards.update_cards(project)
    assert cards.cards()["Xiaomi"] is before["Xiaomi"]
    assert cards.cards()["Xiaomi"].title.text() == "小米汽车"


def test_cards_follow_entity_changes(cards: KpiCards, project: Project) -> None:
    before = cards.cards()
    project.set_comparison(project.comparison.replace(entities=("Aito", "Xiaomi")))
    cards.update_cards(project)
    after = cards.cards()
    assert list(after) == ["Aito", "Xiaomi"]
    assert after["Xiaomi"] is before["Xiaomi"]
    assert after["Aito"] is not before["HIMA"]
    assert cards.layout().indexOf(after["Aito"]) < cards.layout().indexOf(after["Xiaomi"])
    assert cards.layout().indexOf(before["HIMA"]) == -1


def test_an_entity_checked_again_gets_its_card_back_up_to_date(cards: KpiCards, project: Project) -> None:
    """A removed entity's card is put away, not remade: shown again, at its new place, with
    the figures of the comparison then."""
    hima = cards.cards()["HIMA"]
    project.set_comparison(project.comparison.replace(entities=("Xiaomi",)))
    cards.update_cards(project)
    assert not hima.isVisibleTo(cards) and cards.layout().indexOf(hima) == -1
    project.set_comparison(project.comparison.replace(entities=("HIMA", "Xiaomi"), end="2025-06"))
    cards.update_cards(project)
    assert cards.cards()["HIMA"] is hima and hima.isVisibleTo(cards)
    assert cards.layout().indexOf(hima) == 0
    assert "2025-06" in hima.captions["latest"].text()


def test_an_entity_from_a_user_layer_gets_a_card(qtbot, dataset: Dataset) -> None:
    source = Source("my spreadsheet", "file:///tmp/mine.csv", "2026-01-05")
    row = Observation("Tesla China", "deliveries", "2025-12", 61_000.0, "vehicles", "approx",
                      source, user=True)
    project = Project(dataset, Comparison(entities=("Xiaomi", "Tesla China"), end="2025-12"))
    project.add_layer(DataLayer("mine", (row,)))
    widget = KpiCards()
    qtbot.addWidget(widget)
    widget.update_cards(project)
    card = widget.cards()["Tesla China"]
    assert card.title.text() == "Tesla China"
    assert widget.card_texts()["Tesla China"]["latest"] == "≈ 61,000"
    assert "my spreadsheet" in card.values["latest"].toolTip()


def test_an_override_shows_on_the_card_and_its_removal_restores_the_figure(cards: KpiCards,
                                                                            project: Project) -> None:
    """The cards work out an entity's figures once per dataset: the user's figure for the
    latest month shows at once, and so does the reported one when it is removed again."""
    bundled = cards.card_texts()["Xiaomi"]["latest"]
    latest = _last_month_with_figure(project.dataset, "Xiaomi", project.latest_month())
    override = Override("Xiaomi", "deliveries", latest.label, 12_345.0, who="me", when="2026-01-01T00:00:00")
    project.set_override(override)
    cards.update_cards(project)
    assert cards.card_texts()["Xiaomi"]["latest"] == "12,345"
    assert cards.card_texts()["HIMA"]["latest"] != "12,345"
    project.remove_override(override.key)
    cards.update_cards(project)
    assert cards.card_texts()["Xiaomi"]["latest"] == bundled
