"""Where the data files in resources/ live, in a source checkout and in an installed wheel alike."""
from pathlib import Path

import resources

RESOURCES = Path(resources.__file__).resolve().parent


def resource_path(name: str) -> Path:
    return RESOURCES / name
