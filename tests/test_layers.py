"""The layers hold: reformtracker.lib <- plans <- surveys <- public (import-linter)."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["reformtracker", "plans", "surveys", "public"]


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    linter = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(linter), "--no-cache"],
        cwd=folder,
        env={"PATH": str(linter.parent), "PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_the_project(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "migrations", "templates"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_code_keeps_its_layers(tmp_path):
    result = lint_imports(copy_of_the_project(tmp_path))
    assert result.returncode == 0, result.stdout
    assert "1 kept, 0 broken" in result.stdout


def test_plans_importing_surveys_breaks_the_layers(tmp_path):
    project = copy_of_the_project(tmp_path)
    with (project / "plans" / "carry.py").open("a") as module:
        module.write("\nimport surveys  # noqa: E402, F401\n")
    result = lint_imports(project)
    assert result.returncode == 1
    assert "plans is not allowed to import surveys" in result.stdout
    assert "plans.carry -> surveys" in result.stdout


MODULE_LINES = 500
FUNCTION_LINES = 60


def code_modules() -> list[Path]:
    """The project's own Python modules: no migrations (generated), tests or benchmarks."""
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_modules_and_functions_stay_small_enough_to_read():
    too_long = []
    for path in code_modules():
        source = path.read_text()
        name = path.relative_to(ROOT)
        if (lines := len(source.splitlines())) > MODULE_LINES:
            too_long.append(f"{name}: {lines} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > FUNCTION_LINES:
                    too_long.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    assert code_modules(), "no module found"
    assert too_long == []
