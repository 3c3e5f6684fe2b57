"""Print the project's dependencies from pyproject.toml, one per line, for pip's -r.

The project itself is never built or installed (it runs from its checkout), so pip is handed the
pinned requirements directly.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def requirements(extras: list[str]) -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    optional = project.get("optional-dependencies", {})
    return project["dependencies"] + [req for extra in extras for req in optional[extra]]


if __name__ == "__main__":
    sys.stdout.write("\n".join(requirements(sys.argv[1:])) + "\n")
