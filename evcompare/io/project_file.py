"""Project files (*.evcompare): the comparison, the user's milestone edits, data layers and
overrides, as UTF-8 JSON.

A file is checked completely before anything is built, and loading builds a new `Project`, so
a bad file never leaves a half-loaded document behind. Errors name the file, the place in the
document (``comparison.freq``, ``layers[0].observations[2].value``) and what was expected.
Linked files are stored relative to the project file, so a project folder can be moved or
shared; no absolute path is ever written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from evcompare import __version__
from evcompare.io.atomic import write_atomic
from evcompare.io.migrations import CURRENT_VERSION, MigrationError, migrate
from evcompare.model.comparison import Comparison, ComparisonFieldError
from evcompare.model.dataset import Dataset
from evcompare.model.figures import QUALIFIERS, Observation, Source
from evcompare.model.milestones import Milestone, milestone_problems
from evcompare.model.periods import parse_period
from evcompare.model.project import DataLayer, Override, Project

SUFFIX = ".evcompare"
MAX_BYTES = 64 * 1024 * 1024  # far above any real project; stops a wrong file filling memory


class ProjectFileError(ValueError):
    """A project file that cannot be opened: `file`, `where` (a JSON path, '' for the whole
    file) and `detail` (what was expected and found)."""

    def __init__(self, file: str, where: str, detail: str) -> None:
        self.file = file
        self.where = where
        self.detail = detail
        super().__init__(f"{file}: {where}: {detail}" if where else f"{file}: {detail}")


def dataset_checksum(manifest: dict) -> str:
    """One digest for a dataset version: sha256 over the manifest's per-file checksums."""
    files = manifest.get("files", {})
    text = "\n".join(f"{name} {digest}" for name, digest in sorted(files.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Writing ---------------------------------------------------------------------------------

def _relative(file: str, folder: Path) -> str:
    """A linked file's path relative to the project's folder (its name alone when no relative
    path exists, e.g. on another Windows drive)."""
    if not file:
        return ""
    path = Path(file)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:
        return path.name


def _observation_dict(obs: Observation) -> dict:
    return {"entity": obs.entity, "measure": obs.measure, "period": obs.period, "value": obs.value,
            "unit": obs.unit, "qualifier": obs.qualifier, "source_title": obs.source.title,
            "source_url": obs.source.url, "source_published": obs.source.published,
            "doubt": obs.doubt, "measure_unclear": obs.measure_unclear, "notes": obs.notes}


def project_document(project: Project, path: str | os.PathLike[str]) -> dict:
    """The JSON document `save_project` writes for `project` at `path`."""
    folder = Path(os.path.abspath(path)).parent
    manifest = project.base_dataset.manifest
    changes = project.milestones.user_changes()
    return {
        "schema_version": CURRENT_VERSION,
        "app_version": __version__,
        "dataset": {"id": str(manifest.get("dataset_id", "")), "checksum": dataset_checksum(manifest),
                    "as_of": str(manifest.get("as_of", ""))},
        "comparison": project.comparison.to_dict(),
        "milestones": {
            "changed": [dataclasses.asdict(m) for m in sorted(changes["changed"],
                                                                key=lambda m: (m.date, m.id))],
            "deleted": changes["deleted"],
        },
        "overrides": [dataclasses.asdict(o) for o in project.overrides],
        "layers": [{"name": layer.name, "file": _relative(layer.source_file, folder),
                    "observations": [_observation_dict(o) for o in layer.observations]}
                   for layer in project.layers],
        "views": project.views,
        "visual": project.visual,
    }


def save_project(path: str | os.PathLike[str], project: Project) -> None:
    """Write the project atomically: an interrupted save leaves the previous file intact."""
    text = json.dumps(project_document(project, path), ensure_ascii=False, indent=1, allow_nan=False)
    write_atomic(path, text + "\n")


# Checking --------------------------------------------------------------------------------

class _Invalid(Exception):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


def _shown(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _at(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _expect(ok: bool, where: str, expected: str, value: object) -> None:
    if not ok:
        raise _Invalid(where, f"expected {expected}, got {_shown(value)}")


def _object(value: object, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    _expect(isinstance(value, dict), where, "an object", value)
    for key in required:
        if key not in value:
            raise _Invalid(_at(where, key), "missing")
    for key in value:
        if key not in required and key not in optional:
            raise _Invalid(_at(where, key), f"not a key of a version-{CURRENT_VERSION} project file")
    return value


def _list(value: object, where: str) -> list:
    _expect(isinstance(value, list), where, "a list", value)
    return value


def _text(value: object, where: str, required: bool = False) -> str:
    _expect(isinstance(value, str) and (bool(value) or not required), where,
            "a non-empty string" if required else "a string", value)
    return value


def _choice(value: object, where: str, choices: tuple[str, ...]) -> str:
    _expect(isinstance(value, str) and value in choices, where,
            "one of " + ", ".join(repr(c) for c in choices), value)
    return value


def _flag(value: object, where: str) -> bool:
    _expect(isinstance(value, bool), where, "true or false", value)
    return bool(value)


def _number(value: object, where: str) -> float:
    _expect(isinstance(value, int | float) and not isinstance(value, bool), where, "a number", value)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    _expect(math.isfinite(number), where, "a finite number", value)
    return number


def _date(value: object, where: str) -> str:
    """'' or a real calendar date as YYYY-MM-DD or YYYY-MM."""
    expected = "a date as YYYY-MM-DD or YYYY-MM (or an empty string)"
    _expect(isinstance(value, str), where, expected, value)
    if value:
        match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
        try:
            real = bool(match) and dt.date(int(match[1]), int(match[2]), int(match[3] or 1)) is not None
        except ValueError:
            real = False
        _expect(real, where, expected, value)
    return value


def _period(value: object, where: str) -> str:
    expected = "a period as YYYY-MM, YYYYQn, YYYYHn or YYYY"
    _expect(isinstance(value, str), where, expected, value)
    try:
        canonical = parse_period(str(value)).label == value
    except ValueError:
        canonical = False
    _expect(canonical, where, expected, value)
    return str(value)


def _url(value: object, where: str) -> str:
    _expect(isinstance(value, str) and (not value or re.fullmatch(r"https?://\S+", value) is not None),
            where, "an http(s) URL or an empty string", value)
    return str(value)


def _timestamp(value: object, where: str) -> str:
    expected = "a date and time as YYYY-MM-DDTHH:MM:SS"
    _expect(isinstance(value, str), where, expected, value)
    try:
        dt.datetime.fromisoformat(str(value))
    except ValueError:
        _expect(False, where, expected, value)
    return str(value)


def _entity(value: object, where: str, known: set[str]) -> str:
    _expect(isinstance(value, str) and value in known, where,
            "an entity of the dataset or of a data layer", value)
    return str(value)


def _unique(names: list[str], where: str, what: str) -> None:
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise _Invalid(_at(where, index), f"{what} {name!r} appears twice")
        seen.add(name)


_OBSERVATION_OPTIONAL = ("unit", "qualifier", "source_title", "source_url", "source_published",
                         "doubt", "measure_unclear", "notes")


def _observation(value: object, where: str, dataset: Dataset) -> Observation:
    data = _object(value, where, ("entity", "measure", "period", "value"), _OBSERVATION_OPTIONAL)
    entity = _text(data["entity"], _at(where, "entity"), required=True)
    measure = _text(data["measure"], _at(where, "measure"), required=True)
    return Observation(
        entity=entity, measure=measure, period=_period(data["period"], _at(where, "period")),
        value=_number(data["value"], _at(where, "value")),
        unit=_text(data.get("unit", dataset.unit(entity, measure)), _at(where, "unit")),
        qualifier=_choice(data.get("qualifier", "exact"), _at(where, "qualifier"), QUALIFIERS),
        source=Source(_text(data.get("source_title", ""), _at(where, "source_title")),
                      _url(data.get("source_url", ""), _at(where, "source_url")),
                      _date(data.get("source_published", ""), _at(where, "source_published"))),
        doubt=_flag(data.get("doubt", False), _at(where, "doubt")),
        measure_unclear=_flag(data.get("measure_unclear", False), _at(where, "measure_unclear")),
        notes=_text(data.get("notes", ""), _at(where, "notes")),
        user=True,
    )


def _layers(value: object, where: str, dataset: Dataset, folder: Path) -> list[DataLayer]:
    layers = []
    for index, item in enumerate(_list(value, where)):
        at = _at(where, index)
        data = _object(item, at, ("name", "observations"), ("file",))
        file = _text(data.get("file", ""), _at(at, "file"))
        _expect(not PureWindowsPath(file).anchor, _at(at, "file"),  # no root or drive on any system
                "a path relative to the project file", file)
        observations = _list(data["observations"], _at(at, "observations"))
        layers.append(DataLayer(
            name=_text(data["name"], _at(at, "name"), required=True),
            observations=tuple(_observation(o, _at(_at(at, "observations"), i), dataset)
                               for i, o in enumerate(observations)),
            source_file=os.path.normpath(folder / file) if file else "",
        ))
    _unique([layer.name for layer in layers], where, "layer name")
    return layers


_MILESTONE_REQUIRED = ("id", "date", "entity", "category", "title")


def _milestone(value: object, where: str, entities: set[str]) -> Milestone:
    """A milestone: JSON types checked here, everything else by the rules every editor uses."""
    optional = tuple(f.name for f in dataclasses.fields(Milestone) if f.name not in _MILESTONE_REQUIRED)
    data = _object(value, where, _MILESTONE_REQUIRED, optional)
    for key, item in data.items():
        if key in ("doubt", "seed"):
            _flag(item, _at(where, key))
        elif key == "units":
            _expect(item is None or (isinstance(item, int) and not isinstance(item, bool)), _at(where, key),
                    "null or a whole number of vehicles", item)
        else:
            _text(item, _at(where, key))
    milestone = Milestone(**data)
    for field, message in milestone_problems(milestone, entities):
        raise _Invalid(_at(where, field), message)
    _date(milestone.source_published, _at(where, "source_published"))
    _choice(milestone.origin, _at(where, "origin"), ("bundled", "user"))
    return milestone


def _overrides(value: object, where: str, dataset: Dataset, entities: set[str]) -> list[Override]:
    overrides = []
    for index, item in enumerate(_list(value, where)):
        at = _at(where, index)
        data = _object(item, at, ("entity", "measure", "period", "value", "who", "when", "why"),
                       ("qualifier", "unit"))
        entity = _entity(data["entity"], _at(at, "entity"), entities)
        measure = _text(data["measure"], _at(at, "measure"), required=True)
        overrides.append(Override(
            entity=entity, measure=measure, period=_period(data["period"], _at(at, "period")),
            value=_number(data["value"], _at(at, "value")),
            qualifier=_choice(data.get("qualifier", "exact"), _at(at, "qualifier"), QUALIFIERS),
            unit=_text(data.get("unit", dataset.unit(entity, measure)), _at(at, "unit")),
            who=_text(data["who"], _at(at, "who")), when=_timestamp(data["when"], _at(at, "when")),
            why=_text(data["why"], _at(at, "why")),
        ))
    _unique(["/".join(o.key) for o in overrides], where, "override of")
    return overrides


def _comparison(value: object, entities: set[str]) -> Comparison:
    try:
        comparison = Comparison.from_dict(value)
    except ComparisonFieldError as exc:
        raise _Invalid(_at("comparison", exc.field) if exc.field else "comparison",
                       f"expected {exc.expected}, got {_shown(exc.value)}") from None
    for index, entity in enumerate(comparison.entities):
        _entity(entity, _at("comparison.entities", index), entities)
    return comparison


@dataclass(frozen=True)
class _Contents:
    saved_with: dict
    comparison: Comparison
    changed: list[Milestone]
    deleted: list[str]
    layers: list[DataLayer]
    overrides: list[Override]
    views: list[dict]
    visual: dict


def _contents(doc: object, dataset: Dataset, folder: Path) -> _Contents:
    _expect(isinstance(doc, dict), "", "a JSON object (an evcompare project)", doc)
    try:
        doc = migrate(doc)
    except MigrationError as exc:
        raise _Invalid("schema_version", str(exc)) from None
    _object(doc, "", ("schema_version", "dataset", "comparison"),
            ("app_version", "milestones", "overrides", "layers", "views", "visual"))
    _text(doc.get("app_version", ""), "app_version")
    saved_with = _object(doc["dataset"], "dataset", ("id", "checksum", "as_of"))
    _text(saved_with["id"], "dataset.id")
    _expect(isinstance(saved_with["checksum"], str) and re.fullmatch(r"[0-9a-f]{64}", saved_with["checksum"])
            is not None, "dataset.checksum", "a sha256 digest (64 hex digits)", saved_with["checksum"])
    _text(saved_with["as_of"], "dataset.as_of")
    layers = _layers(doc.get("layers", []), "layers", dataset, folder)
    entities = {e.id for e in dataset.entities} | {o.entity for layer in layers for o in layer.observations}
    stones = _object(doc.get("milestones", {}), "milestones", (), ("changed", "deleted"))
    changed = [_milestone(m, _at("milestones.changed", i), entities)
               for i, m in enumerate(_list(stones.get("changed", []), "milestones.changed"))]
    _unique([m.id for m in changed], "milestones.changed", "milestone id")
    deleted = [_text(d, _at("milestones.deleted", i), required=True)
               for i, d in enumerate(_list(stones.get("deleted", []), "milestones.deleted"))]
    changed_ids = {m.id for m in changed}
    for index, ident in enumerate(deleted):
        _expect(ident not in changed_ids, _at("milestones.deleted", index),
                "the id of a milestone not listed under milestones.changed", ident)
    views = _list(doc.get("views", []), "views")
    for index, view in enumerate(views):
        _expect(isinstance(view, dict), _at("views", index), "an object", view)
    visual = doc.get("visual", {})
    _expect(isinstance(visual, dict), "visual", "an object", visual)
    return _Contents(saved_with, _comparison(doc["comparison"], entities), changed, deleted, layers,
                     _overrides(doc.get("overrides", []), "overrides", dataset, entities), views, visual)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _parse(path: Path) -> object:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _Invalid("", f"not a project file: larger than {MAX_BYTES // 2**20} MB")
        raw = path.read_bytes()
    except OSError as exc:
        raise _Invalid("", f"cannot read the file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Invalid("", f"not a project file: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise _Invalid("", "not a project file: the file is empty")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise _Invalid("", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise _Invalid("", "not a project file: the JSON is nested too deeply") from None
    except ValueError as exc:
        raise _Invalid("", f"not valid JSON: {exc}") from None


def _dataset_note(saved_with: dict, manifest: dict) -> str:
    if saved_with["checksum"] == dataset_checksum(manifest):
        return ""
    now_id, now_as_of = str(manifest.get("dataset_id", "")), str(manifest.get("as_of", ""))
    old_as_of = saved_with["as_of"] or "unknown"
    change = (f"as of {old_as_of} -> {now_as_of or 'unknown'}" if old_as_of != now_as_of
              else f"as of {now_as_of}, revised since")
    if saved_with["id"] != now_id:
        change = f"{saved_with['id'] or 'unknown'} -> {now_id or 'unknown'}, {change}"
    return f"The data changed since this project was saved ({change}); figures may differ from then."


def load_project(path: str | os.PathLike[str], dataset: Dataset) -> Project:
    """A new Project from the file, on `dataset`; ProjectFileError naming the file, the JSON path
    and what was expected. Nothing is built until the whole file has been checked."""
    file = os.fspath(path)
    folder = Path(os.path.abspath(file)).parent
    try:
        contents = _contents(_parse(Path(file)), dataset, folder)
    except _Invalid as exc:
        raise ProjectFileError(file, exc.where, exc.message) from None
    project = Project(dataset, contents.comparison)
    for ident in contents.deleted:
        if ident in project.milestones:
            project.milestones.remove(ident)
    for milestone in contents.changed:
        project.milestones.put(milestone)
    for layer in contents.layers:
        project.add_layer(layer)
    for override in contents.overrides:
        project.set_override(override)
    project.views = contents.views
    project.visual = contents.visual
    project.dataset_note = _dataset_note(contents.saved_with, dataset.manifest)
    return project
