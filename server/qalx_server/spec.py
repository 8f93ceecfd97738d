"""The OpenAPI description this server serves: openapi/qalx.yaml, the same file the SDK is
generated from. Wheels carry a copy inside the package; a source checkout reads the original."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader parses the spec about ten times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


def spec_path() -> Path:
    packaged = resources.files("qalx_server").joinpath("qalx.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "openapi" / "qalx.yaml"


@functools.cache
def spec_text() -> str:
    return spec_path().read_text()


@functools.cache
def load_spec() -> dict[str, Any]:
    document: dict[str, Any] = yaml.load(spec_text(), Loader=_Loader)
    return document
