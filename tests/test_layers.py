"""The layers hold: reformtracker.lib <- plans <- surveys <- public (import-linter)."""

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
