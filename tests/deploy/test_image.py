"""What the Dockerfile's build stage installs: a wheel built from exactly the files it copies."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.deploy.test_compose import ROOT

BUILD_STAGE_END = "FROM python:3.11-slim\n"


def _copied_sources() -> list[str]:
    """The sources of the build stage's COPY instructions (the stage the package is installed in)."""
    build_stage = (ROOT / "Dockerfile").read_text().split(BUILD_STAGE_END)[0]
    return [source for line in build_stage.splitlines() if line.startswith("COPY ") for source in line.split()[1:-1]]


def _package_files() -> set[str]:
    """Every file of the four packages, as the wheel names them."""
    return {
        str(path.relative_to(ROOT))
        for package in ("backend", "bot", "console", "reports")
        for path in (ROOT / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_build_context_installs_every_module_and_data_file(tmp_path: Path) -> None:
    context = tmp_path / "context"
    for source in _copied_sources():
        origin = ROOT / source
        if origin.is_dir():
            shutil.copytree(origin, context / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            context.mkdir(exist_ok=True)
            shutil.copy(origin, context / source)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"), str(context)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    [wheel] = (tmp_path / "wheel").glob("meydan-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert _package_files() - names == set()
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "meydan = bot.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
