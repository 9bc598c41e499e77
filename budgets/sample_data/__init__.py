"""The seed disclosures transcribed as plain data (see README.md in this folder)."""

import hashlib
from pathlib import Path

import yaml

SAMPLE_DIR = Path(__file__).resolve().parent


def sample_files() -> list[Path]:
    return sorted(SAMPLE_DIR.glob("*.yaml"))


def read_sample(path: Path) -> tuple[dict, str]:
    """The document's data and the SHA-256 of the file it came from."""
    raw = path.read_bytes()
    return yaml.safe_load(raw), hashlib.sha256(raw).hexdigest()
