"""The five official sample documents (legacy web-page text), loaded as demo data.

They are official documents of Chinese local governments and not under copyright (著作权法
第五条). `make run` imports them through the importer so the demo has real documents.
"""

from importlib import resources
from importlib.resources.abc import Traversable


def sample_files() -> list[Traversable]:
    """The sample `.txt` files, sorted by name (readable from a wheel or a checkout)."""
    folder = resources.files(__name__)
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".txt")),
        key=lambda entry: entry.name,
    )
