"""An xlwings Server project whose custom functions are the installed :mod:`xlkopi.udfs`.

xlwings Server (the PyPI package ``xlwings-server``) imports a top-level
``custom_functions`` package from its project folder and falls back to its
own example module on ModuleNotFoundError, silently. The scaffold's package
therefore re-exports ``xlkopi.udfs.FUNCTIONS`` and raises RuntimeError, which
stops the server at start, when xlkopi is missing or no function was
registered. The rest is settings (``.env``: licence, no second namespace,
no socket.io so several workers need no shared state), the manifest ids and
a Danish README on starting, HTTPS and the licence.
"""

from __future__ import annotations

import secrets
import uuid
from importlib import resources
from pathlib import Path
from string import Template

from .. import __version__

# The xlwings-server release the tests run the scaffold under (tests/test_udf_server.py).
SERVER_VERSION = "1.20.0"

# (template in xlkopi/data/addin/server, path in the project)
FILES = (
    ("custom_functions__init__.py.tmpl", "custom_functions/__init__.py"),
    ("custom_scripts__init__.py.tmpl", "custom_scripts/__init__.py"),
    ("env.tmpl", ".env"),
    ("pyproject.toml.tmpl", "pyproject.toml"),
    ("requirements.txt.tmpl", "requirements.txt"),
    ("README.md", "README.md"),
)


def project_files(xlkopi_requirement: str | None = None) -> dict[str, str]:
    """The project's files as {relative path: text}; ids and the secret key are fresh on every call."""
    values = {
        "secret_key": secrets.token_urlsafe(32),
        "xlkopi_requirement": xlkopi_requirement or f"xlkopi[excel]=={__version__}",
        "server_version": SERVER_VERSION,
        **{f"id_{stage}": str(uuid.uuid4()) for stage in ("dev", "qa", "uat", "staging", "prod")},
    }
    folder = resources.files("xlkopi") / "data" / "addin" / "server"
    return {target: Template((folder / name).read_text(encoding="utf-8")).substitute(values)
            for name, target in FILES}


def scaffold(folder: Path, *, xlkopi_requirement: str | None = None, overwrite: bool = False) -> list[Path]:
    """Write the project into ``folder``; refuses existing files unless ``overwrite``. Returns the files."""
    from ..io.atomic import OutputExistsError, batch, write_bytes_atomic

    files = project_files(xlkopi_requirement)
    if not overwrite:
        for rel in files:
            if (folder / rel).exists():
                raise OutputExistsError(folder / rel)
    written = []
    with batch():
        for rel, text in files.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            written.append(write_bytes_atomic(target, text.encode("utf-8"), overwrite=overwrite))
    (folder / ".env").chmod(0o600)   # it holds the secret key and the licence key
    return written
