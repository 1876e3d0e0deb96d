"""The one reader of the YAML files in ``data/``: registries, reader cues, discovery rules,
thread lexicons, the dataset description and the evaluation's name rules.

Every file is read with the safe loader (libyaml's when installed) and must hold a
mapping; a missing or broken file is an ``InputError`` naming it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scmgraph.errors import InputError
from scmgraph.resources import shipped


def default_data_dir() -> Path:
    """The shipped ``data/`` folder: registry, reader cues, context, dataset description."""
    return shipped("data")


def read_data(path: Path, kind: str = "data file") -> dict[str, Any]:
    """The mapping in the YAML file ``path``."""
    try:
        # libyaml's loader when there is one: ten times faster, the same safe subset
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except FileNotFoundError as exc:
        raise InputError(path, f"{kind} is missing") from exc
    except yaml.YAMLError as exc:
        raise InputError(path, f"not valid YAML ({str(exc).splitlines()[0]})") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise InputError(path, f"{kind} must hold a mapping")
    return loaded
