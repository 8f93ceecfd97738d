"""The generated client is reproducible from the spec, and drift (a hand edit) is caught."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from codegen import generate

ROOT = Path(generate.__file__).resolve().parent.parent


def test_spec_is_valid_openapi_3_0() -> None:
    document, _ = read_from_filename(str(generate.SPEC))
    assert str(document["openapi"]).startswith("3.0.")
    validate(document)  # raises on any violation


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield generate.generate(tmp_path_factory.mktemp("first"))


def test_generation_is_byte_identical_run_after_run(
    fresh: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = generate.generate(tmp_path_factory.mktemp("second"))
    assert generate.differences(fresh, again) == []
    assert not list(again.rglob(".ruff_cache"))


def test_committed_client_matches_the_spec(fresh: Path) -> None:
    assert generate.differences(fresh, generate.TARGET) == []


def test_differences_names_the_edited_file(fresh: Path, tmp_path: Path) -> None:
    edited = tmp_path / "pkg"
    shutil.copytree(fresh, edited)
    with (edited / "client.py").open("a") as f:
        f.write("# a hand edit\n")
    diff = "".join(generate.differences(fresh, edited))
    assert "client.py" in diff
    assert "-# a hand edit" in diff


def test_check_fails_on_a_hand_edit_and_leaves_it_in_place(tmp_path: Path) -> None:
    for part in ("openapi", "codegen", "generated"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    victim = tmp_path / "generated" / "qalx_api_client" / "models" / "item.py"
    edited = victim.read_text().replace("class Item:", "class Item:  # tweaked", 1)
    assert edited != victim.read_text()
    victim.write_text(edited)

    check = [sys.executable, str(tmp_path / "codegen" / "generate.py"), "--check"]
    result = subprocess.run(check, capture_output=True, text=True)

    assert result.returncode == 1
    assert "models/item.py" in result.stdout
    assert "Never edit it by hand" in result.stderr
    assert victim.read_text() == edited, "--check must not overwrite the working tree"
