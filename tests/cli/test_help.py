"""Every command explains itself, and `qalx --help` loads nothing heavy."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import qalx

#: command → words its --help must show (its arguments and options)
HELPS = {
    "bot-start": ["TARGET", "--queue-name", "--processes", "--skip-ini / --no-skip-ini",
                  "--meta", "--workflow", "--entity-class", "--qalx-session-class",
                  "--user-config-class", "--bot-config-class", "--stop"],
    "bot-stop": ["NAME", "--index"],
    "bot-resume": ["NAME", "--index"],
    "bot-terminate": ["NAME", "--cold", "--requeue-job", "--index"],
    "workers-terminate": ["BOT_NAME NUMBER", "--cold", "--index"],
    "bot-info": ["NAME"],
    "configure": ["--user / --no-user", "--bot / --no-bot", "--yes", "EXTRA"],
    "generate-encryption": ["--path"],
    "download": ["GUID", "--directory", "--entity-type", "[item|factory]"],
    "factory-validate": ["--plan", "--aws-profile"],
    "factory-pack": ["--plan", "--stage", "--no-delete", "--aws-profile"],
    "factory-build": ["--plan", "--stage", "--shared-environment", "--aws-profile"],
    "factory-demolish": ["[GUID]", "--name", "--index", "--yes"],
    "factory-info": ["--name"],
    "factory-bootstrap": ["--factory_guid", "--sector_name", "--profile_name",
                          "--region_name", "--instance_name"],
}  # fmt: skip


@pytest.mark.parametrize("command", sorted(HELPS))
def test_help_of_each_command(command: str) -> None:
    result = qalx(command, "--help")
    assert result.exit_code == 0, result.output
    assert f"Usage: qalx {command} [OPTIONS]" in result.output
    for word in HELPS[command]:
        assert word in result.output, (command, word)
    # a sentence of its own, not only the option list
    description = result.output.split("Options:")[0].split("\n", 2)[2]
    assert len(description.split()) >= 5, result.output


def test_group_help_lists_commands_and_profiles() -> None:
    result = qalx("--help")
    assert result.exit_code == 0
    for command in [*HELPS, "queue", "server"]:
        assert f"  {command} " in result.output, command
    assert "-u, --user-profile TEXT" in result.output
    assert "-b, --bot-profile TEXT" in result.output


def test_help_stays_light() -> None:
    """Registering the commands imports none of the SDK's heavy dependencies (cryptography for
    keys, boto3, jsonschema, yaml): each command imports what it uses when it runs."""
    code = (
        "import sys; from qalx.cli import main; "
        "heavy = ['cryptography', 'boto3', 'jsonschema', 'yaml'];"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
