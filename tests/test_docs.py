"""Documentation is part of the product: commands, functions and the README's promises."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import xlkopi
import xlkopi.core
from xlkopi.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text, flags=re.S)


def test_ci_runs_exactly_the_readme_test_command():
    commands = _readme_commands()
    test_cmd = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd.strip() in ci.splitlines()
    assert "XLKOPI_REQUIRE_LIBREOFFICE=1" in ci


def test_readme_main_command_runs_the_demo():
    assert any("xlkopi demo" in c for c in _readme_commands())


def test_every_command_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    helps = {a.dest: a.help for a in sub._choices_actions}
    for name, p in sub.choices.items():
        assert helps.get(name), f"command {name} has no help line"
        assert p.description, f"command {name} has no description"
        for action in p._actions:
            if action.dest != "help":
                assert action.help, f"option {action.dest} of {name} has no help"


def test_every_public_core_function_has_a_docstring():
    missing = []
    for info in pkgutil.walk_packages(xlkopi.core.__path__, "xlkopi.core."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                if not inspect.getdoc(obj):
                    missing.append(f"{info.name}.{name}")
    assert not missing, missing


def test_core_imports_without_xlwings_or_file_io():
    """The core layer imports neither xlwings nor openpyxl/pandas nor the I/O layer."""
    import ast

    forbidden = {"xlwings", "openpyxl", "pandas", "python_calamine", "xlkopi.io"}
    for path in (ROOT / "xlkopi" / "core").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [("xlkopi." if node.level else "") + (node.module or "")]
                if node.level == 2 and (node.module or "").startswith("io"):
                    names = ["xlkopi.io"]
            else:
                continue
            for name in names:
                assert not any(name == f or name.startswith(f + ".") for f in forbidden), f"{path.name} imports {name}"


def test_core_works_with_xlwings_unavailable():
    import subprocess
    import sys

    code = ("import sys; sys.modules['xlwings'] = None; sys.modules['openpyxl'] = None\n"
            "from xlkopi.core.schedule import lease_schedule\n"
            "from xlkopi.core import buyout, rates, clickprice, portfolio, redflags\n"
            "print(lease_schedule(100000, 0.051, 5, 4).payment)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "5624.49"  # the guide's payment (DOMAIN.md rule 1)


def test_building_the_parser_imports_no_feature_dependency():
    """``xlkopi --help`` and every subcommand's parser load no third-party package (issue: start-up time)."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from xlkopi.cli import build_parser\n"
            "build_parser()\n"
            "heavy = ('openpyxl', 'numpy', 'python_calamine', 'rich', 'defusedxml', 'stdnum', 'xlwings')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_domain_reference_lives_in_the_repository():
    """docs/domain.md and docs/sources/ are the shared domain notes and source texts, unchanged."""
    text = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    assert "## Glossary" in text and "restforpligtelse" in text
    for name in ("vejledning_kopi_print_leasing.txt", "frivillige_kunder.txt"):
        assert f"`sources/{name}`" in text and (ROOT / "docs" / "sources" / name).is_file()
    shared = ROOT.parent / "shared"
    if not (shared / "DOMAIN.md").is_file():
        return  # a clone without ../shared: the repository's copy is the reference
    body = text.split("-->\n", 1)[1]
    assert body == (shared / "DOMAIN.md").read_text(encoding="utf-8").replace("`seeds/", "`sources/")
    for name in ("vejledning_kopi_print_leasing.txt", "frivillige_kunder.txt"):
        assert (ROOT / "docs" / "sources" / name).read_bytes() == (shared / "seeds" / name).read_bytes()


def test_generated_docs_match_the_code():
    """The function reference (docs/excel.md, README) and the CLI reference (docs/cli.md) are what cog makes now."""
    import subprocess
    import sys

    files = ["docs/excel.md", "docs/cli.md", "README.md"]
    out = subprocess.run([sys.executable, "-m", "cogapp", "--check", "--diff", "-I", "docs", *files], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr + "\nregenerate: cog -r -I docs " + " ".join(files)


def test_every_worksheet_function_has_a_returns_row_in_docs_excel():
    from xlkopi.udfs import FUNCTIONS

    text = (ROOT / "docs" / "excel.md").read_text(encoding="utf-8")
    returns = text.split("What each returns:", 1)[1].split("\n\n", 2)[1]
    assert {line.split("`")[1] for line in returns.splitlines() if line.startswith("| `")} == set(FUNCTIONS)
