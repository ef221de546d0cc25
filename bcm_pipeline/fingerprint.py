"""The code fingerprint: sha256 over every file of the package and the versions of the libraries whose
results the tables hold. A build key (build_keys.py) and the record of a finished refresh (uptodate.py)
start from it; kept apart from both so `bcm refresh` can compare it without importing the catalogue."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import platform
from pathlib import Path

from bcm_pipeline.settings import PACKAGE_DIR

# The libraries whose results the tables hold (parsing, validation, computation, storage).
LIBRARIES = [
    "duckdb", "pandas", "numpy", "pyarrow", "pandera", "openpyxl", "python-calamine", "rapidfuzz",
    "country_converter", "pyyaml",
]  # fmt: skip


def code_fingerprint() -> str:
    """sha256 over every file of the package (path and bytes) and the libraries' versions: any change of the
    code rebuilds every table, which is always right and rarely slow."""
    return _code_fingerprint(str(PACKAGE_DIR))


@functools.cache
def _code_fingerprint(folder: str) -> str:
    digest = hashlib.sha256(platform.python_version().encode())
    for name in LIBRARIES:
        try:
            digest.update(f" {name} {importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f" {name} -".encode())
    root = Path(folder)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
