"""The instance bootstrap run as an instance runs it: its settings in moto's SSM and Secrets
Manager, the factory, plan and zipped bot code on the real qalx server; the bot it starts
takes a job and is then terminated warm. And `qalx factory-bootstrap` writes the log whose
first character the instance sends to CloudFormation."""

from __future__ import annotations

import io
import os
import tempfile
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from click.testing import CliRunner

from qalx import Item, QalxSession
from qalx.cli import main
from qalx.errors import QalxFactoryBuildError
from qalx.factories._aws import AwsStackId
from qalx.factories._bootstrap import bootstrap_bots, load_instance_environment
from tests.support.cli import Company
from tests.support.moto import REGION
from tests.support.waiting import until

from . import aws_support
from .aws_support import plan

# the shared fixtures, by name (a conftest here is the plan tests')
moto_endpoint, aws = (
    aws_support.moto_endpoint,
    aws_support.aws,
)

DOUBLER = """
    from qalx import Bot

    bot = Bot("doubler")

    @bot.process
    def process(job):
        job.entity.data["doubled"] = job.entity.data["n"] * 2
"""


def boto(service: str) -> Any:
    return boto3.session.Session(region_name=REGION).client(service)  # type: ignore[call-overload]


def wait_for(what: str, check: Callable[[], Any], timeout: float = 90) -> Any:
    return until(check, what, timeout, every=0.5)


@pytest.fixture
def environ() -> Iterator[None]:
    """The bootstrap sets variables in this process, as on an instance: put them back."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def code_zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("doubler_bot.py", textwrap.dedent(source))
        archive.writestr("requirements.txt", "")  # installs nothing, offline
    return buffer.getvalue()


def test_load_instance_environment_takes_only_its_own(aws: str, environ: None) -> None:
    ssm, secrets = boto("ssm"), boto("secretsmanager")
    for n in range(12):  # more than one GetParameters batch
        ssm.put_parameter(Name=f"qalx-x-instance-g_QALX_BOT_K{n}", Value=str(n), Type="String")
    ssm.put_parameter(Name="qalx-other-instance-g_QALX_BOT_K0", Value="no", Type="String")
    secrets.create_secret(Name="qalx-x-instance-g_QALX_USER_TOKEN", SecretString="tok")
    secrets.create_secret(Name="qalx-other-instance-g_QALX_USER_TOKEN", SecretString="no")
    found = load_instance_environment("qalx-x-instance-g", "builders-laptop-profile", REGION)
    assert found == {"QALX_USER_TOKEN": "tok", **{f"QALX_BOT_K{n}": str(n) for n in range(12)}}
    assert os.environ["QALX_USER_TOKEN"] == "tok" and os.environ["QALX_BOT_K11"] == "11"


def test_the_bootstrap_starts_the_sectors_bot(
    aws: str, company: Company, environ: None, tmp_path: Path
) -> None:
    parsed = plan()
    parsed["factory"]["stages"]["prod"] = {
        "workflow": "flow",
        "calc_sector": parsed["factory"]["stages"]["prod"]["calc_sector"],
    }
    with QalxSession(skip_ini=True) as session:
        factory = session.factory.add(
            "beam_calcs",
            source=io.BytesIO(yaml.safe_dump(parsed).encode()),
            file_name="factory-plan.yml",
            stage="prod",
        )
        guid = factory.guid
        session.item.add(
            source=io.BytesIO(code_zip(DOUBLER)),
            file_name="doubler.zip",
            meta={
                "_class": "pyqalx.factory",
                "pyqalx": {"stage": "prod", "factory_guid": guid, "plan_bot_name": "doubler"},
            },
        )
    instance = AwsStackId("beam_calcs", str(guid), "prod", None, REGION).instance_name(
        "calc_sector"
    )
    # what the stack's resources hold: the profiles, the token as a secret
    ssm = boto("ssm")
    for name, value in {
        "QALX_USER_BASE_URL": company.live.base_url,
        "QALX_BOT_BASE_URL": company.live.base_url,
        "QALX_BOT_MSG_WAITTIMESECONDS": "1",
    }.items():
        ssm.put_parameter(Name=f"{instance}_{name}", Value=value, Type="String")
    boto("secretsmanager").create_secret(
        Name=f"{instance}_QALX_USER_TOKEN", SecretString=company.token
    )
    # the instance has nothing else: no QALX_* of its own
    for name in [n for n in os.environ if n.startswith("QALX_")]:
        del os.environ[name]

    build = tmp_path / "build"
    [bot_process] = bootstrap_bots(
        guid, "calc_sector", "default", REGION, instance, build_dir=build, start_wait=2
    )
    try:
        assert (build / "doubler" / "doubler_bot.py").exists()
        with QalxSession(skip_ini=True) as session:
            found = wait_for(
                "the bot and its worker",
                lambda: [b for b in session.bot.find({"name": "doubler"}).data if b.workers],
            )
            [bot] = found
            assert bot.meta["_class"] == "pyqalx.factory"
            assert bot.meta.pyqalx.to_dict() == {
                "stage": "prod",
                "factory_guid": str(guid),
                "plan_bot_name": "doubler",
            }
            session.bot.resume(bot)  # started stopped (--stop), as build leaves it until done
            queue = session.queue.get_or_create("doubling")
            job = session.item.add(data={"n": 21})
            Item.add_to_queue([job], queue)
            done = wait_for(
                "the job",
                lambda: session.item.get(job.guid).data.get("doubled"),
            )
            assert done == 42
            session.bot.terminate(session.bot.get(bot.guid))
            assert bot_process.wait(timeout=90) == 0, (build / "doubler.log").read_text()
    finally:
        if bot_process.poll() is None:
            bot_process.kill()
            bot_process.wait()
    log = (build / "doubler.log").read_text()
    assert "Starting doubler reading from doubling with 1 workers." in log


def test_a_failed_bootstrap_is_a_build_error_and_logged(
    aws: str, company: Company, environ: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = uuid.uuid4()
    with pytest.raises(QalxFactoryBuildError, match="bootstrap of sector calc failed"):
        bootstrap_bots(missing, "calc", None, REGION, "qalx-none", build_dir=tmp_path / "b")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = CliRunner().invoke(
        main,
        ["factory-bootstrap", "--factory_guid", str(missing), "--sector_name", "calc",
         "--region_name", REGION, "--instance_name", "qalx-none"],
    )  # fmt: skip
    assert result.exit_code == 1 and "bootstrap of sector calc failed" in result.output
    written = (tmp_path / "bootstrap.log").read_text()
    assert written.startswith("1 ") and missing.hex in written
