"""Build the bundled dataset in data/ from the sourced reference tables.

Run from the checkout: `python data/build_dataset.py ../shared/reference`.
The reference CSVs are copied into tidy tables without changing any figure. What this
script adds is structure (period types, flags read from the notes, milestone ids, units
and basis) and a short list of curation decisions, each written to the `curation`
column so that a reader sees why a row is treated as it is.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent
SCHEMA_VERSION = 1
COMPILED = "2026-11-25"

SOURCE_COLUMNS = ["source_title", "source_url", "source_published"]

ENTITIES = [
    # id, name_en, name_zh, parent, kind, partner_oem, colour
    ("Xiaomi", "Xiaomi", "小米汽车", "", "group", "Xiaomi (own Beijing plant)", "#E69F00"),
    ("Xiaomi SU7", "SU7", "小米SU7", "Xiaomi", "model", "", "#F5B941"),
    ("Xiaomi SU7 Ultra", "SU7 Ultra", "小米SU7 Ultra", "Xiaomi", "model", "", "#A86800"),
    ("Xiaomi YU7", "YU7", "小米YU7", "Xiaomi", "model", "", "#D55E00"),
    ("HIMA", "HIMA", "鸿蒙智行", "", "group", "Huawei-led alliance", "#332288"),
    ("Aito", "Aito", "问界", "HIMA", "brand", "Seres", "#0072B2"),
    ("Luxeed", "Luxeed", "智界", "HIMA", "brand", "Chery", "#009E73"),
    ("Stelato", "Stelato", "享界", "HIMA", "brand", "BAIC", "#CC79A7"),
    ("Maextro", "Maextro", "尊界", "HIMA", "brand", "JAC", "#56B4E9"),
    ("Shangjie", "Shangjie", "尚界", "HIMA", "brand", "SAIC", "#882255"),
    ("Aito M5", "Aito M5", "问界M5", "Aito", "model", "Seres", "#4C9BD0"),
    ("Aito M7", "Aito M7", "问界M7", "Aito", "model", "Seres", "#2A6F9E"),
    ("Aito M8", "Aito M8", "问界M8", "Aito", "model", "Seres", "#7FB8E0"),
    ("Aito M9", "Aito M9", "问界M9", "Aito", "model", "Seres", "#004A75"),
    ("Luxeed R7", "Luxeed R7", "智界R7", "Luxeed", "model", "Chery", "#33B38F"),
    ("Seres", "Seres (all)", "赛力斯", "", "maker", "Seres", "#777777"),
    ("Seres NEV sales", "Seres NEV sales", "赛力斯新能源汽车销量", "Seres", "maker", "Seres", "#8C8C8C"),
    ("Seres total sales", "Seres total sales", "赛力斯汽车总销量", "Seres", "maker", "Seres", "#A0A0A0"),
    ("Seres NEV production", "Seres NEV production", "赛力斯新能源汽车产量", "Seres", "maker", "Seres",
     "#B4B4B4"),
]

# Day 0 of each entity in the race chart: the milestone (date, entity, title) of its first launch.
LAUNCH_MILESTONES = {
    "Xiaomi": ("2024-03-28", "Xiaomi SU7", "SU7 official launch"),
    "Xiaomi SU7": ("2024-03-28", "Xiaomi SU7", "SU7 official launch"),
    "Xiaomi SU7 Ultra": ("2025-02-27", "Xiaomi SU7 Ultra", "SU7 Ultra official launch"),
    "Xiaomi YU7": ("2025-06-26", "Xiaomi YU7", "YU7 SUV launch"),
    "HIMA": ("2023-11-28", "Luxeed", "Luxeed S7 launch"),
    "Aito": ("2021-12-02", "Aito", "AITO brand launched"),
    "Luxeed": ("2023-11-28", "Luxeed", "Luxeed S7 launch"),
    "Maextro": ("2025-05-30", "Maextro", "Maextro S800 launch"),
    "Shangjie": ("2025-09-23", "Shangjie", "Shangjie H5 launch"),
}

# Curation decisions: (file, entity, period, value) -> (flag, reason).
CURATION = {
    ("targets.csv", "Xiaomi", "2025", 411625): (
        "measure_unclear", "blogger figure, not an official Xiaomi release (row notes)"),
    ("targets.csv", "Xiaomi", "2025", 411800): (
        "measure_unclear", "CPCA-based figure cited via SCMP, not the company's delivery count"),
    ("targets.csv", "Xiaomi SU7", "2025", 258164): (
        "measure_unclear", "CPCA sales, not company deliveries (row notes)"),
    ("targets.csv", "Seres", "2024", 427000): (
        "measure_unclear", "Seres NEV sales, a different scope from AITO deliveries"),
    ("targets.csv", "Seres", "2025", 420000): (
        "measure_unclear", "Seres sales line, scope not stated"),
}

# When each target revision was announced, where the notes state it more precisely than
# the page's publication date.
ANNOUNCED = {
    ("Xiaomi", "2024", 76000): "2024-03-28",
    ("Xiaomi", "2024", 100000): "2024-04-23",
    ("Xiaomi", "2024", 120000): "2024-05-23",
    ("Xiaomi", "2024", 130000): "2024-11-18",
    ("Xiaomi", "2025", 400000): "2025-11-20",
    ("Xiaomi", "2025", 410000): "2026-01-03",
    ("Xiaomi", "2026", 550000): "2026-01-03",
}


def flags(frame: pd.DataFrame) -> pd.DataFrame:
    notes = frame["notes"].fillna("")
    frame["doubt"] = notes.str.contains("DOUBT:", regex=False)
    frame["measure_unclear"] = notes.str.contains("MEASURE UNCLEAR", regex=False)
    frame["seed"] = frame["source_title"].str.startswith("seed article")
    frame["curation"] = ""
    return frame


def period_type(period: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}", period):
        return "month"
    if re.fullmatch(r"\d{4}Q[1-4]", period):
        return "quarter"
    if re.fullmatch(r"\d{4}H[12]", period):
        return "half"
    if re.fullmatch(r"\d{4}", period):
        return "year"
    raise ValueError(f"unknown period {period!r}")


def observations(ref: Path) -> pd.DataFrame:
    monthly = pd.read_csv(ref / "deliveries_monthly.csv", dtype=str)
    monthly = monthly.rename(columns={"month": "period", "deliveries": "value"})
    monthly["unit"] = "vehicles"
    monthly["origin"] = "deliveries_monthly.csv"

    quarterly = pd.read_csv(ref / "quarterly.csv", dtype=str)
    quarterly = quarterly.rename(columns={"quarter": "period", "metric": "measure"})
    quarterly["period"] = quarterly["period"].str.replace("FY", "", regex=False)
    quarterly["origin"] = "quarterly.csv"

    targets = pd.read_csv(ref / "targets.csv", dtype=str)
    actual = targets[targets["kind"] == "actual"].rename(columns={"year": "period"})
    actual = actual.drop(columns=["kind"])
    actual["measure"] = actual["entity"].map(
        lambda e: "sales" if e.startswith("Seres") else "deliveries")
    actual["unit"] = "vehicles"
    actual["origin"] = "targets.csv"

    obs = pd.concat([monthly, quarterly, actual], ignore_index=True)
    obs["period_type"] = obs["period"].map(period_type)
    obs = flags(obs)
    for (origin, entity, period, value), (flag, reason) in CURATION.items():
        hit = ((obs["origin"] == origin) & (obs["entity"] == entity) & (obs["period"] == period)
               & (obs["value"].astype(float) == value))
        if hit.sum() != 1:
            raise SystemExit(f"curation rule matched {hit.sum()} rows: {entity} {period} {value}")
        obs.loc[hit, flag] = True
        obs.loc[hit, "curation"] = reason
    columns = ["entity", "measure", "period", "period_type", "value", "unit", "qualifier",
               *SOURCE_COLUMNS, "doubt", "measure_unclear", "seed", "notes", "curation", "origin"]
    return obs[columns]


def targets(ref: Path) -> pd.DataFrame:
    frame = pd.read_csv(ref / "targets.csv", dtype=str)
    frame["kind"] = frame["kind"].str.replace("target_", "", regex=False)
    frame = flags(frame)
    frame["announced"] = [
        ANNOUNCED.get((e, y, float(v)), p if isinstance(p, str) else "")
        for e, y, v, p in zip(frame["entity"], frame["year"], frame["value"],
                              frame["source_published"], strict=True)
    ]
    columns = ["entity", "year", "kind", "value", "qualifier", "announced", *SOURCE_COLUMNS,
               "doubt", "measure_unclear", "seed", "notes", "curation"]
    return frame[columns]


_NUMBER = re.compile(r"(?<![\w.])(?:(\d+|one) million(?:th)?|(\d{1,3}(?:,\d{3})+)(?:th)?)\b", re.I)
_NOT_A_COUNT = re.compile(r"target|quarters|US\$", re.I)
# Titles whose wording names two counts; the vehicle count and its basis are set here.
_UNITS_OVERRIDE = {"AITO 400,000th vehicle; 70,000th M9 delivered": ("400000", "production")}


def units_and_basis(category: str, title: str, description: str) -> tuple[str, str]:
    """Read 'N-th vehicle' events: the count from the title, the basis from the wording."""
    if title in _UNITS_OVERRIDE:
        return _UNITS_OVERRIDE[title]
    if category != "production" or _NOT_A_COUNT.search(title):
        return "", ""
    match = _NUMBER.search(title)
    if not match:
        return "", ""
    millions, plain = match.groups()
    units = (1 if millions == "one" else int(millions)) * 10**6 if millions else int(plain.replace(",", ""))
    lowered = title.lower()
    if re.search(r"roll|produc|off the line|off line", lowered):
        basis = "production"
    elif "deliver" in lowered:
        basis = "deliveries"
    elif re.search(r"\bsales\b|\bsold\b|retail", lowered):
        basis = "sales"
    elif re.search(r"rolled off|off the (?:production )?line", description.lower()):
        basis = "production"
    elif "deliver" in description.lower():
        basis = "deliveries"
    else:
        basis = ""
    return str(units), basis


def milestone_id(row: pd.Series) -> str:
    digest = hashlib.sha1(f"{row['date']}|{row['entity']}|{row['title']}".encode()).hexdigest()
    return f"m-{digest[:10]}"


def milestones(ref: Path) -> pd.DataFrame:
    frame = pd.read_csv(ref / "milestones.csv", dtype=str).fillna("")
    frame["id"] = frame.apply(milestone_id, axis=1)
    if frame["id"].duplicated().any():
        raise SystemExit("duplicate milestone ids")
    frame["end_date"] = ""
    frame["title_zh"] = ""
    frame["status"] = "done"
    frame["notes"] = ""
    parsed = [units_and_basis(c, t, d) for c, t, d in
              zip(frame["category"], frame["title"], frame["description"], strict=True)]
    frame["units"] = [u for u, _ in parsed]
    frame["basis"] = [b for _, b in parsed]
    frame = flags(frame)
    frame.loc[frame["title"].str.contains("(seed)", regex=False), "seed"] = True
    frame.loc[frame["title"] == "Five brands produced over 1 million vehicles (seed)", "doubt"] = True
    frame.loc[frame["title"] == "Five brands produced over 1 million vehicles (seed)",
              "curation"] = ("seed claim 'around a quarter from Aito' is contradicted by the "
                             "monthly data (SOURCES.md)")
    columns = ["id", "date", "date_precision", "end_date", "entity", "category", "title",
               "title_zh", "description", "units", "basis", "status", *SOURCE_COLUMNS,
               "doubt", "seed", "curation"]
    return frame[columns]


def entities(ref: Path, stones: pd.DataFrame) -> pd.DataFrame:
    brands = pd.read_csv(ref / "brands.csv", dtype=str).set_index("brand")
    rows = []
    for ident, en, zh, parent, kind, partner, colour in ENTITIES:
        brand = brands.loc[ident] if ident in brands.index else None
        launch = LAUNCH_MILESTONES.get(ident)
        launch_id = ""
        if launch:
            hit = stones[(stones["date"] == launch[0]) & (stones["entity"] == launch[1])
                         & (stones["title"] == launch[2])]
            if len(hit) != 1:
                raise SystemExit(f"launch milestone for {ident} not found")
            launch_id = hit["id"].iloc[0]
        rows.append({
            "id": ident, "name_en": en, "name_zh": zh, "parent": parent, "kind": kind,
            "partner_oem": partner,
            "joined_hima": "" if brand is None or ident in ("Xiaomi", "HIMA")
            else brand["joined_hima"],
            "first_model": "" if brand is None else brand["first_model"],
            "first_model_launch": "" if brand is None else brand["first_model_launch"],
            "launch_milestone": launch_id,
            "colour": colour,
            "source_url": "" if brand is None else brand["source_url"],
        })
    return pd.DataFrame(rows)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str]) -> int:
    ref = Path(argv[0]) if argv else Path("../shared/reference")
    DATA.mkdir(exist_ok=True)
    stones = milestones(ref)
    tables = {
        "entities.csv": entities(ref, stones),
        "observations.csv": observations(ref),
        "targets.csv": targets(ref),
        "milestones.csv": stones,
    }
    for name, frame in tables.items():
        frame.to_csv(DATA / name, index=False, lineterminator="\n")
    obs = tables["observations.csv"]
    manifest = {
        "dataset_id": "evcompare-reference",
        "schema_version": SCHEMA_VERSION,
        "as_of": str(obs["source_published"].dropna().max()),
        "compiled": COMPILED,
        "source_count": int(pd.concat([t["source_url"] for n, t in tables.items()
                                       if n != "entities.csv"]).nunique()),
        "files": {name: sha256(DATA / name) for name in sorted(tables)},
    }
    (DATA / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for name, frame in tables.items():
        print(f"{name}: {len(frame)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
