"""The Graphviz program that lays out SVG graphs: graphviz-pure, a Python dependency, so no system package is needed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from config.errors import DomainError

PROGRAM = "graphviz-pure"


class PartMissing(DomainError):
    """Raised when an optional part that an action needs is not installed (names the part and how to get it)."""

    code = "part_missing"
    status = 503


def graphviz_program() -> str | None:
    """Return the path of graphviz-pure: beside this interpreter (a venv's bin/, on PATH or not), else on PATH."""
    beside = Path(sys.executable).parent / PROGRAM
    return str(beside) if beside.is_file() else shutil.which(PROGRAM)


def graphviz_status() -> str:
    """Return the installed graphviz-pure's name and version, or say it is missing (for /api/health/)."""
    if graphviz_program() is None:
        return f"missing: {PROGRAM} (pip install {PROGRAM})"
    try:
        return f"{PROGRAM} {metadata.version(PROGRAM)}"
    except metadata.PackageNotFoundError:  # a binary on PATH that pip did not install
        return PROGRAM


def graphviz_render(source: str, *, format: str = "svg") -> bytes:
    """Lay out a DOT source with graphviz-pure and return the output; PartMissing (503) if it is not installed."""
    program = graphviz_program()
    if program is None:
        raise PartMissing(f"Rendering a graph as {format.upper()} needs {PROGRAM}, which is not installed: "
                          f"`pip install {PROGRAM}`. The JSON form works without it.",
                          extra={"part": PROGRAM})
    result = subprocess.run([program, f"-T{format}"], input=source.encode(), capture_output=True, timeout=30,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{PROGRAM} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout
