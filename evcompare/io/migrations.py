"""Project file versions: every old file is brought up to the current version one step at a
time, so a file saved by any earlier evcompare keeps opening.

To change the format: bump CURRENT_VERSION and add MIGRATIONS[old] turning a version-`old`
document into a version-`old + 1` one (`migrate` sets the new schema_version itself).
"""

from __future__ import annotations

from collections.abc import Callable

CURRENT_VERSION = 1
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}


class MigrationError(ValueError):
    """The file's schema_version cannot be read by this evcompare."""


def migrate(doc: dict) -> dict:
    """The document in the current format; MigrationError for versions this one cannot read."""
    version = doc.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise MigrationError(f"expected a whole number from 1 to {CURRENT_VERSION}, got {version!r:.40}")
    if version > CURRENT_VERSION:
        raise MigrationError(f"version {version} was made by a newer evcompare (this one reads up to "
                             f"version {CURRENT_VERSION}); update evcompare to open it")
    if version < 1:
        raise MigrationError(f"expected a version from 1 to {CURRENT_VERSION}, got {version}")
    while version < CURRENT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise MigrationError(f"no conversion from version {version} to {version + 1}")
        doc = {**step(doc), "schema_version": version + 1}
        version += 1
    return doc
