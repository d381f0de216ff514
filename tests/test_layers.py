"""The package's layers point one way: core → io → features → front ends (the brief's standard 6).

Read from the source with ``ast`` (nothing is imported), so a new import that crosses a layer fails here
with the file and the line, before it becomes a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "xlkopi"

# Each part of the package and the parts it may import. The core is the pure layer (with the top-level
# money, dates and errors modules it is built on); io is generic file I/O; the features build on both;
# the front ends (cli, udfs, terminal, cliparse, addin) sit on top.
CORE = {"core", "money", "dates", "errors"}
IO = CORE | {"io"}
FEATURE = IO | {"terminal", "cliparse"}
ALLOWED = {
    "core": CORE,
    "money": CORE,
    "dates": CORE,
    "errors": CORE,
    "io": IO,
    "schedule": FEATURE,
    "enrol": FEATURE,
    "compare": FEATURE,
    "contracts": FEATURE,
    # The auditor checks a comparison workbook by reading it back and recomputing it with the comparison's
    # own model (audit/comparison.py): the one place where one feature uses another, in this direction only.
    "audit": FEATURE | {"compare"},
    "terminal": set(),
    "cliparse": CORE,
    "udfs": CORE,
    "addin": IO | {"terminal"},
    "cli": {"cliparse", "errors", "terminal"},   # the features are found by name (importlib), not imported
    "__main__": {"cli"},
    "__init__": set(),
}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path):
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    is_package = path.name == "__init__.py"
    if is_package:
        module = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def test_every_import_inside_the_package_follows_the_layers():
    crossings = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        source = rel.parts[0].removesuffix(".py")
        allowed = ALLOWED[source] | {source}
        for line, target in _imports(path):
            if target == "xlkopi" or not target.startswith("xlkopi."):
                continue
            part = _part(target)
            if part not in allowed:
                crossings.append(f"xlkopi/{rel}:{line} imports {target} ({source} may not use {part})")
    assert not crossings, "\n".join(crossings)


def test_the_table_names_every_part_of_the_package():
    parts = {p.name.removesuffix(".py") for p in PACKAGE.iterdir()
             if (p.suffix == ".py") or (p.is_dir() and (p / "__init__.py").exists())}
    assert parts == set(ALLOWED)


# Import name -> the distribution that provides it (pyproject names distributions).
DISTRIBUTIONS = {"stdnum": "python-stdnum", "python_calamine": "python-calamine", "docx": "python-docx"}


def test_declared_dependencies_are_exactly_what_the_package_imports():
    """Every third-party import of xlkopi/ is declared in an extra, and every declared run-time package is used."""
    import re
    import sys
    import tomllib

    imported = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {DISTRIBUTIONS.get(m, m) for m in imported - set(sys.stdlib_module_names) - {"xlkopi"}}
    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["dependencies"] == []   # the base wheel: the worksheet functions only (xlwings Lite)
    extras = project["optional-dependencies"]
    declared = {re.split(r"[<>=;\[ ]", spec, maxsplit=1)[0].lower()
                for extra in ("tools", "excel") for spec in extras[extra]}
    assert third_party == declared, (sorted(third_party - declared), sorted(declared - third_party))
