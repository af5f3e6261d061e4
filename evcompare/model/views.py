"""Saved views: a comparison with the title, subtitle and speaker notes it is shown with.

Views are the storyboard of a project: the presentation steps through them and the deck
exports (PDF, PPTX) make one page each. A project file keeps them as `SavedView.to_dict()`
objects in its `views` list; a project without any readable view shows `default_views`, the
story the bundled data tells. Those are built from the data (days, targets, shares are looked
up, never typed in), so their subtitles stay true when the data is revised.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from evcompare.model import metrics
from evcompare.model.comparison import Comparison, ComparisonFieldError
from evcompare.model.dataset import Dataset
from evcompare.model.figures import QUALIFIER_SIGN, Figure
from evcompare.model.project import Project
from evcompare.model.race import days_to

TITLE_CHARS = 56  # a shortened source title in a footnote


class ViewFieldError(ValueError):
    """A stored view that cannot be used: `where` names the field ('comparison.freq')."""

    def __init__(self, where: str, expected: str, value: object) -> None:
        self.where = where
        self.expected = expected
        self.value = value
        super().__init__(f"{where}: expected {expected}" if where else f"expected {expected}")


@dataclass(frozen=True)
class SavedView:
    """One slide of the story: what to chart and what to say about it."""

    id: str
    title: str
    comparison: Comparison
    subtitle: str = ""
    notes: str = ""  # speaker notes
    created: str = ""  # ISO date-time; '' for the views that ship with the app

    def replace(self, **changes: object) -> SavedView:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, object]:
        """Plain JSON values, as a project file stores them."""
        return {"id": self.id, "title": self.title, "subtitle": self.subtitle, "notes": self.notes,
                "created": self.created, "comparison": self.comparison.to_dict()}

    @classmethod
    def from_dict(cls, data: object) -> SavedView:
        """Rebuild from `to_dict()` output, checking every field; ViewFieldError names the first
        field that cannot be used."""
        if not isinstance(data, dict):
            raise ViewFieldError("", "an object", data)
        for key in data:
            if key not in _VIEW_KEYS:
                raise ViewFieldError(key, "a known field (" + ", ".join(_VIEW_KEYS) + ")", data[key])
        for key in ("id", "title", "comparison"):
            if key not in data:
                raise ViewFieldError(key, "a value (the field is missing)", None)
        texts = {}
        for key in ("id", "title", "subtitle", "notes", "created"):
            value = data.get(key, "")
            required = key in ("id", "title")
            if not isinstance(value, str) or (required and not value.strip()):
                raise ViewFieldError(key, "a non-empty string" if required else "a string", value)
            texts[key] = value
        if texts["created"]:
            try:
                dt.datetime.fromisoformat(texts["created"])
            except ValueError:
                raise ViewFieldError("created", "a date and time as YYYY-MM-DDTHH:MM:SS",
                                     texts["created"]) from None
        try:
            comparison = Comparison.from_dict(data["comparison"])
        except ComparisonFieldError as exc:
            where = f"comparison.{exc.field}" if exc.field else "comparison"
            raise ViewFieldError(where, exc.expected, exc.value) from None
        return cls(comparison=comparison, **texts)


_VIEW_KEYS = ("id", "title", "subtitle", "notes", "created", "comparison")


def new_view_id() -> str:
    return "view-" + secrets.token_hex(5)


def now_text() -> str:
    """The local time to the second, as `created` stores it."""
    return dt.datetime.now().replace(microsecond=0).isoformat()


def read_views(raw: Iterable[object], entities: set[str]) -> tuple[list[SavedView], list[tuple[int, str]]]:
    """The readable views of a project file's `views` list and, for the others, (index, why).

    A view naming an entity that is not in `entities` cannot be drawn, so it is unreadable too.
    """
    views, problems, seen = [], [], set()
    for index, item in enumerate(raw):
        try:
            view = SavedView.from_dict(item)
        except ViewFieldError as exc:
            problems.append((index, str(exc)))
            continue
        unknown = [e for e in view.comparison.entities if e not in entities]
        if unknown:
            problems.append((index, f"comparison.entities: unknown entity {unknown[0]!r}"))
        elif view.id in seen:
            problems.append((index, f"id: {view.id!r} appears twice"))
        else:
            seen.add(view.id)
            views.append(view)
    return views, problems


def known_entities(project: Project) -> set[str]:
    """Entities a view may show: those of the entity list (the charts draw no others; an entity
    only a data layer has is shown in the table, not as a view)."""
    return {e.id for e in project.dataset.entities}


def project_views(project: Project) -> list[SavedView]:
    """The views the project shows: its own readable ones, else the default story."""
    views, _problems = read_views(project.views, known_entities(project))
    return views or list(default_views(project.dataset))


def short_title(title: str, limit: int = TITLE_CHARS) -> str:
    """A source title that fits a footnote: tags such as '[descriptive title]' dropped, and a
    long headline cut while the outlet in its closing parentheses is kept."""
    text = re.sub(r"^(\[[^\]]*\]\s*)+", "", title.strip()) or title.strip()
    if len(text) <= limit:
        return text
    match = re.fullmatch(r"(.*\S)\s*(\([^()]*\))", text)
    if match and len(match[2]) <= limit // 2:
        head, outlet = match[1], match[2]
        return head[:limit - len(outlet) - 2].rstrip(" ,;:-") + "… " + outlet
    head = match[1] if match else text  # an outlet too long to keep is dropped, not cut
    return head if len(head) <= limit else head[:limit - 1].rstrip(" ,;:-") + "…"


def cited_titles(figures: Iterable[Figure], extra: Iterable[str] = ()) -> list[str]:
    """Every source title behind the figures shown, the most cited first (ties in the order
    met); `extra` titles (a race's milestones) count once each."""
    counts: dict[str, int] = {}
    for figure in figures:
        if figure.missing:
            continue
        for source in figure.sources:
            if source.title:
                counts[source.title] = counts.get(source.title, 0) + 1
    for title in extra:
        if title:
            counts[title] = counts.get(title, 0) + 1
    order = {title: i for i, title in enumerate(counts)}
    return sorted(counts, key=lambda t: (-counts[t], order[t]))


# --- the default story --------------------------------------------------------------------

HIMA_BRANDS = ("HIMA", "Aito", "Luxeed", "Stelato", "Maextro", "Shangjie")


def _number(figure: Figure) -> str:
    return QUALIFIER_SIGN[figure.qualifier] + f"{figure.value:,.0f}"


def _race_subtitle(ds: Dataset) -> str:
    parts = []
    for entity in ("Xiaomi", "HIMA"):
        result = days_to(ds, entity, 500_000)
        if result.days is not None:
            sign = QUALIFIER_SIGN.get(result.qualifier, "")
            how = "its 500,000th vehicle" if result.method == "milestone" else "month-end crossing"
            parts.append(f"{entity} {sign}{result.days} days ({how}, {result.date})")
    lead = "Days from first launch to 500,000 vehicles"
    return f"{lead}: " + "; ".join(parts) if parts else lead


def _targets_subtitle(ds: Dataset) -> str:
    rows = [r for r in metrics.target_history(ds, ["Xiaomi"]) if r.year == 2025]
    steps = [f"{_number(r.target)} ({r.announced[:7]})" for r in rows]
    lead = "Year-to-date deliveries as a share of the target in force"
    return f"{lead}; targets {', '.join(steps)}" if steps else lead


def _share_subtitle(ds: Dataset) -> str:
    frame = metrics.table(ds, ["Aito"], "deliveries", "share", "month", "2025-01", "2025-12")
    values = frame["value"].dropna()
    lead = "Aito's deliveries as a share of HIMA's reported total"
    if values.empty:
        return lead
    return f"{lead}: {values.min():.0f}–{values.max():.0f} % in the {len(values)} months of 2025 with figures"


def _profit_subtitle(ds: Dataset) -> str:
    lead = "Gross margin of the smart-EV segment, by quarter"
    measure = "operating_profit_smart_ev_and_new_initiatives"
    if measure not in ds.measures():
        return lead
    frame = metrics.table(ds, ["Xiaomi"], measure, "total", "quarter", "2024-01")
    profits = frame[frame["value"] > 0]
    if profits.empty:
        return lead
    first = profits.iloc[0]
    return (f"{lead}; first operating profit in {first['period']} "
            f"({first['figure'].display(1)} {ds.unit('Xiaomi', measure)})")


def default_views(ds: Dataset) -> tuple[SavedView, ...]:
    """The story of the bundled data, used when a project has no views of its own; views whose
    measure the dataset lacks are left out."""
    deliveries = Comparison(entities=("Xiaomi", "HIMA"), layout="overlay", start="2024-04",
                            milestone_categories=("launch",))
    views = [
        SavedView("story-deliveries", "Xiaomi vs HIMA: monthly deliveries", deliveries,
                  "Deliveries per month since the Xiaomi SU7 launch; HIMA counts all its brands",
                  "Each point is a published monthly figure. Hollow triangles are lower bounds (the "
                  "company said 'more than'); a gap is a month without a published figure, never a zero."),
        SavedView("story-race", "The race to 500,000",
                  deliveries.replace(chart="race", race_units=(100_000, 500_000)), _race_subtitle(ds),
                  "Cumulative vehicles against days since each one's first launch. Xiaomi's mark is its "
                  "500,000th vehicle milestone; HIMA's is the month end where its cumulative deliveries "
                  "passed 500,000."),
        SavedView("story-targets", "Xiaomi 2025 against its target revisions",
                  Comparison(entities=("Xiaomi",), metric="attainment", start="2025-01", end="2025-12",
                             layout="overlay", milestone_categories=("financial", "target")),
                  _targets_subtitle(ds),
                  "Attainment is year-to-date deliveries over the target in force that month; the "
                  "target was raised twice, so the line steps down when it was."),
        SavedView("story-brands", "HIMA by brand",
                  Comparison(entities=HIMA_BRANDS, start="2024-01", layout="overlay",
                             milestone_categories=("launch",)),
                  "Monthly deliveries of the HIMA alliance and of each brand that reports them",
                  "The brands report irregularly: many months have only the alliance total. The "
                  "newer brands (Maextro, Shangjie) have a few figures so far."),
        SavedView("story-aito-share", "Aito's real share of HIMA",
                  Comparison(entities=("Aito",), metric="share", start="2025-01", layout="overlay",
                             milestone_categories=()),
                  _share_subtitle(ds),
                  "Share is Aito's reported deliveries over HIMA's reported total for the same month; "
                  "months where either is missing are gaps."),
        SavedView("story-revenue", "Xiaomi's quarterly EV revenue",
                  Comparison(entities=("Xiaomi",), measure="smart_ev_revenue", freq="quarter",
                             chart="bars", start="2024-01", end="2025-12", layout="overlay",
                             milestone_categories=("financial",)),
                  "Smart-EV revenue by quarter, as reported with Xiaomi's results",
                  "Quarters without a published figure are left empty."),
        SavedView("story-margin", "Xiaomi's EV margin and first profit",
                  Comparison(entities=("Xiaomi",), measure="segment_gross_margin", freq="quarter",
                             start="2024-01", end="2025-12", layout="overlay",
                             milestone_categories=("financial",)),
                  _profit_subtitle(ds),
                  "The dashed line marks the results where the EV segment first reported an "
                  "operating profit."),
    ]
    measures = set(ds.measures())
    return tuple(v for v in views if v.comparison.measure in measures)
