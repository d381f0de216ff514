"""Small settings files users write by hand (field maps, column maps): TOML or JSON, read safely.

One reader for all of them: the file is opened once through :func:`xlkopi.io.package.read_once`
(a FIFO, a device or a folder is refused before any read; at most 1 MiB), decoded as UTF-8 with
or without a byte-order mark, and parsed as JSON (``.json``) or TOML; the top level must be a table.
Every problem is the caller's error class with a Danish message naming the file.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from ..errors import XlkopiError
from .package import read_once

MAX_SETTINGS_BYTES = 1024 * 1024


def read_settings(path: str | Path, noun: str, error: type[XlkopiError]) -> dict:
    """The table in the settings file ``path`` (``noun``: "Feltkortet", "Kolonnekortet" ...)."""
    path = Path(path)
    try:
        data = read_once(path, noun, MAX_SETTINGS_BYTES).data
    except XlkopiError as exc:
        raise error(str(exc)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{noun} '{path.name}' er ikke gemt som UTF-8; gem filen som UTF-8 (fx i Notesblok: "
                    "Gem som, Kodning UTF-8)") from None
    try:
        parsed = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise error(f"{noun} '{path.name}' kan ikke læses ({'JSON' if path.suffix.lower() == '.json' else 'TOML'}): "
                    f"{str(exc)[:300]}") from None
    if not isinstance(parsed, dict):
        raise error(f"{noun} '{path.name}' skal være en tabel af afsnit (fx [felter]), ikke "
                    f"{type(parsed).__name__}")
    return parsed


def table(data: dict, key: str, noun: str, name: str, error: type[XlkopiError]) -> dict:
    """``data[key]`` as a table (missing: empty); anything else is ``error``."""
    return as_table(data.get(key), key, noun, name, error)


def as_table(value, key: str, noun: str, name: str, error: type[XlkopiError]) -> dict:
    """``value``, the section ``key`` of the settings file ``name``, as a table (None: empty)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise error(f"{noun} '{name}': '{key}' skal være et afsnit med nøgler ([{key}]), ikke "
                    f"{type(value).__name__}")
    return value
