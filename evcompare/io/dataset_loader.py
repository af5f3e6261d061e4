"""Load and validate the dataset tables into a `Dataset`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from evcompare.io import paths
from evcompare.io.schema import Problem, ValidationError, read_table
from evcompare.model.dataset import Dataset, Target
from evcompare.model.entities import Entity, EntityTree
from evcompare.model.figures import Observation, Source
from evcompare.model.milestones import Milestone

TABLES = ("entities", "observations", "targets", "milestones")


def records(frame: pd.DataFrame) -> list[dict[str, str]]:
    """The rows of a frame read as text, as dicts: `to_dict("records")` boxes every cell on its
    own and took half of the bundled dataset's load."""
    columns = list(frame.columns)
    return [dict(zip(columns, row, strict=True))
            for row in zip(*(frame[c].tolist() for c in columns), strict=True)]


def _flag(value: str) -> bool:
    return value in ("True", "true", "1")


def _source(row: dict) -> Source:
    return Source(row["source_title"], row["source_url"], row.get("source_published", ""))


def observations_from(frame: pd.DataFrame, user: bool = False) -> list[Observation]:
    return [
        Observation(
            entity=r["entity"], measure=r["measure"], period=r["period"], value=float(r["value"]),
            unit=r["unit"], qualifier=r["qualifier"], source=_source(r), doubt=_flag(r["doubt"]),
            measure_unclear=_flag(r["measure_unclear"]), seed=_flag(r["seed"]),
            notes=r.get("notes", ""), user=user,
        )
        for r in records(frame)
    ]


def targets_from(frame: pd.DataFrame) -> list[Target]:
    return [
        Target(
            entity=r["entity"], year=int(r["year"]), kind=r["kind"], value=float(r["value"]),
            qualifier=r["qualifier"], announced=r["announced"], source=_source(r),
            doubt=_flag(r["doubt"]), measure_unclear=_flag(r["measure_unclear"]),
            seed=_flag(r["seed"]), notes=r["notes"],
        )
        for r in records(frame)
    ]


def milestones_from(frame: pd.DataFrame, origin: str = "bundled") -> list[Milestone]:
    return [
        Milestone(
            id=r["id"], date=r["date"], entity=r["entity"], category=r["category"],
            title=r["title"], date_precision=r["date_precision"], end_date=r["end_date"],
            title_zh=r["title_zh"], description=r["description"],
            units=int(float(r["units"])) if r["units"] else None, basis=r["basis"],
            status=r["status"], source_title=r["source_title"], source_url=r["source_url"],
            source_published=r["source_published"], doubt=_flag(r["doubt"]),
            seed=_flag(r["seed"]), curation=r["curation"], origin=origin,
        )
        for r in records(frame)
    ]


def entities_from(frame: pd.DataFrame) -> EntityTree:
    fields = Entity.__dataclass_fields__
    return EntityTree([Entity(**{k: r[k] for k in fields}) for r in records(frame)])


def _cross_check(folder: Path, entities: EntityTree, obs: pd.DataFrame, targets: pd.DataFrame,
                 stones: pd.DataFrame) -> list[Problem]:
    """References between tables: every entity named must exist."""
    problems = []
    for name, frame in (("observations", obs), ("targets", targets), ("milestones", stones)):
        for index, entity in enumerate(frame["entity"].tolist()):
            if entity not in entities:
                problems.append(Problem(str(folder / f"{name}.csv"), index + 2, "entity",
                                        f"unknown entity {entity!r} (not in entities.csv)"))
    return problems


def load_dataset(folder: Path | None = None) -> Dataset:
    """Read and validate every table in `folder` (the bundled data/ by default)."""
    folder = Path(folder) if folder else paths.data_dir()
    frames = {name: read_table(str(folder / f"{name}.csv"), name)[1] for name in TABLES}
    entities = entities_from(frames["entities"])
    problems = _cross_check(folder, entities, frames["observations"], frames["targets"],
                            frames["milestones"])
    if problems:
        raise ValidationError(problems)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    return Dataset(
        entities=entities,
        observations=observations_from(frames["observations"]),
        targets=targets_from(frames["targets"]),
        milestones=milestones_from(frames["milestones"]),
        manifest=manifest,
    )


def file_checksum(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest_problems(folder: Path | None = None) -> list[str]:
    """Differences between manifest.json and the files beside it (empty when they match)."""
    folder = Path(folder) if folder else paths.data_dir()
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    problems = []
    listed = manifest.get("files", {})
    for name, digest in listed.items():
        path = folder / name
        if not path.exists():
            problems.append(f"{name}: listed in the manifest but missing")
        elif file_checksum(path) != digest:
            problems.append(f"{name}: checksum differs from the manifest")
    for path in sorted(folder.glob("*.csv")):
        if path.name not in listed:
            problems.append(f"{path.name}: not listed in the manifest")
    return problems
