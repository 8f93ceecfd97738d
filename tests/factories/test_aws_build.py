"""`Factory.build` and `Factory.demolish` of a plan with an AWS sector, against the real qalx
server and moto in server mode.

moto runs no instance, so nothing would ever start the sector's bots and the build would
wait for them to register until it gave up. The test plays the instance: once the stack is
complete, it runs the command line the stack's user data holds (`qalx factory-bootstrap
...`, the plan's `qalx_command` pointing at this environment's `qalx`) in a process with the
environment an instance has (no QALX_* settings; AWS reached as the instance role would be).
moto also leaves out the token's AWS::SecretsManager::Secret, so the test puts the secret the
stack would have made; and its AWS::SSM::Parameter wants list Tags (`aws_support.for_moto`).
The IAM simulation is switched off (`QALX_FACTORY_AWS_SIMULATE=0`): moto has none.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from qalx import Item, QalxSession
from qalx.errors import QalxAPINotFound
from qalx.factories import Factory, _aws
from qalx.factories._aws import AwsProvider, AwsStackId
from qalx.factories._launch import bot_query
from qalx.factories._local import alive
from tests.support.cli import QALX, Company, qalx
from tests.support.moto import REGION
from tests.support.waiting import until

from . import aws_support
from .aws_support import LINUX_IMAGE, for_moto

# the shared fixtures, by name (a conftest here is the plan tests')
moto_endpoint, aws = (
    aws_support.moto_endpoint,
    aws_support.aws,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:Tried to parse AWS:UserWarning"),
]

WAIT = 120.0
"""A bound on a hung build or bot, never a timing check."""
DOUBLER = """\
    from qalx.bot import Bot

    bot = Bot("doubler")

    @bot.process
    def process(job):
        job.entity["data"]["doubled"] = job.entity["data"]["n"] * 2
"""


def boto(service: str) -> Any:
    return boto3.session.Session(region_name=REGION).client(service)  # type: ignore[call-overload]


def write_plan(tmp_path: Path, image: str = LINUX_IMAGE, region: str | None = REGION) -> Path:
    code = tmp_path / "doubler"
    code.mkdir(exist_ok=True)
    (code / "doubler_bot.py").write_text(textwrap.dedent(DOUBLER))
    (code / "requirements.txt").write_text("")  # installs nothing, offline
    sector: dict[str, Any] = {
        "type": "aws",
        "qalx_command": str(QALX),
        "bots": {"doubler": {"queue-name": "doubling", "processes": 1}},
        "parameters": {"ImageId": image, "InstanceType": "t3.micro"},
    }
    if region is not None:
        sector["region_name"] = region
    plan = {
        "factory": {
            "name": "beam_calcs",
            "bots": {"doubler": {"source": {"path": str(code)}, "bot_path": "doubler_bot:bot"}},
            "stages": {"prod": {"calc_sector": sector}},
        }
    }
    path = tmp_path / "plan.yml"
    path.write_text(yaml.safe_dump(plan))
    return path


@pytest.fixture
def aws_build(
    aws: str, company: Company, pack_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Builds as moto can take them, and quick polls. The bots' profile settings (what the
    stack stores for the instance) come from this environment."""
    monkeypatch.setenv("QALX_FACTORY_AWS_SIMULATE", "0")
    monkeypatch.setenv("QALX_BOT_BASE_URL", company.live.base_url)
    monkeypatch.setenv("QALX_BOT_MSG_WAITTIMESECONDS", "1")
    render = _aws.render_template
    monkeypatch.setattr(_aws, "render_template", lambda *a, **k: for_moto(render(*a, **k)))
    monkeypatch.setattr(AwsProvider, "poll_interval", 0.2)
    monkeypatch.setattr(AwsProvider, "register_timeout", WAIT)
    yield


def user_data_command(stack_id: str) -> list[str]:
    """The bootstrap command line of the stack's (one) instance, from its user data."""
    body = boto("cloudformation").get_template(StackName=stack_id)["TemplateBody"]
    template = yaml.safe_load(body) if isinstance(body, str) else body
    [instance] = [r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::Instance"]
    script = instance["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
    [line] = [x for x in script.splitlines() if x.startswith("sudo -u ec2-user -H ")]
    return shlex.split(line.removeprefix("sudo -u ec2-user -H "))


class Instance(threading.Thread):
    """What the stack's instance would do at boot: wait for the stack, then bootstrap."""

    def __init__(self, company: Company, tmp_path: Path) -> None:
        super().__init__(daemon=True)
        self.company = company
        self.tmp = tmp_path / "instance-tmp"
        self.tmp.mkdir()
        self.done: subprocess.CompletedProcess[str] | None = None
        self.failure: BaseException | None = None
        self.command: list[str] = []

    def run(self) -> None:
        try:
            cloudformation = boto("cloudformation")

            def complete() -> Any:
                stacks = cloudformation.describe_stacks()["Stacks"]
                return [s for s in stacks if s["StackStatus"] == "CREATE_COMPLETE"]

            [stack] = until(complete, "the stack", WAIT, every=0.2)
            tags = {t["Key"]: t["Value"] for t in stack["Tags"]}
            ident = AwsStackId("beam_calcs", tags["qalx-factory-guid"], "prod", None, REGION)
            instance = ident.instance_name("calc_sector")
            boto("secretsmanager").create_secret(
                Name=f"{instance}_QALX_USER_TOKEN", SecretString=self.company.token
            )
            self.command = user_data_command(stack["StackId"])
            env = {k: v for k, v in os.environ.items() if not k.startswith("QALX_")}
            env["TMPDIR"] = str(self.tmp)  # where bootstrap.log goes
            self.done = subprocess.run(
                self.command, env=env, capture_output=True, text=True, timeout=WAIT, check=False
            )
        except BaseException as exc:
            self.failure = exc


def processes_naming(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                line = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if text.encode() in line and alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def test_build_bootstrap_run_demolish(
    aws_build: None, company: Company, session: QalxSession, tmp_path: Path, pack_dir: Path
) -> None:
    plan = write_plan(tmp_path)
    instance = Instance(company, tmp_path)
    instance.start()
    factory = Factory(session)
    steps: list[str] = []
    built = factory.build(plan, "prod", on_progress=steps.append)
    guid = str(built.guid)
    try:
        instance.join(WAIT)
        assert instance.failure is None, instance.failure
        assert instance.done is not None and instance.done.returncode == 0, instance.done
        assert instance.command[:2] == [str(QALX), "factory-bootstrap"]
        log = (instance.tmp / "bootstrap.log").read_text()
        assert log.startswith("0 started 1 bots of sector calc_sector"), log

        assert built["status"] == "deployed"
        [stack_id] = set(built["stacks"].values())
        assert built["stacks"] == {"calc_sector": stack_id}
        record = built["meta"]["qalx"]["aws"]
        assert record["stacks"] == {"calc_sector": stack_id}
        assert record["regions"] == {"calc_sector": REGION} and record["aws_profile"] is None
        assert any("stack qalx-factory-beamcalcs-default-" in s for s in steps), steps
        [described] = boto("cloudformation").describe_stacks(StackName=stack_id)["Stacks"]
        assert described["StackStatus"] == "CREATE_COMPLETE"
        # what the instance read: the builder's settings, named after it
        name = AwsStackId("beam_calcs", guid, "prod", None, REGION).instance_name("calc_sector")
        parameter = boto("ssm").get_parameter(Name=f"{name}_QALX_BOT_BASE_URL")["Parameter"]
        assert parameter["Value"] == company.live.base_url
        items = list(session.item.find_all(bot_query(guid), include_session_tags=False))
        by_bot = {i["meta"]["pyqalx"]["plan_bot_name"]: i for i in items}
        assert set(by_bot) == {"doubler", None}  # the code, the stack's template
        assert by_bot[None]["file"]["name"] == f"{described['StackName']}.yaml"
        [bot] = session.bot.find_all(bot_query(guid), include_session_tags=False)
        assert built["bots"] == [{"code": by_bot["doubler"].guid, "bot": bot.guid}]

        # the bot runs where the instance started it, resumed by the build
        queue = session.queue.get_or_create("doubling")
        job = session.item.add(data={"n": 21})
        Item.add_to_queue([job], queue)
        doubled = until(lambda: session.item.get(job.guid)["data"].get("doubled"), "the job", WAIT)
        assert doubled == 42
        assert processes_naming(guid)
    except BaseException:
        factory.demolish(guid)
        raise
    finally:
        instance.join(WAIT)
    gone: list[str] = []
    factory.demolish(guid, on_progress=gone.append)
    assert any("terminated doubler" in line for line in gone), gone
    assert any("aws sectors taken down" in line for line in gone), gone
    left = boto("cloudformation").list_stacks()["StackSummaries"]
    assert [s["StackStatus"] for s in left if s["StackId"] == stack_id] == ["DELETE_COMPLETE"]
    until(lambda: not processes_naming(guid), "the bot's processes to end", WAIT)
    assert list(session.item.find_all(bot_query(guid), include_session_tags=False)) == []
    assert list(session.bot.find_all(bot_query(guid), include_session_tags=False)) == []
    with pytest.raises(QalxAPINotFound):
        session.factory.get(guid)


@pytest.mark.parametrize(
    ("image", "region", "said"),
    [
        (LINUX_IMAGE, None, "no AWS region: give the sector a region_name"),
        ("ami-00000000000000000", REGION, "ami-00000000000000000 in eu-west-2: InvalidAMIID"),
    ],
)
def test_cli_build_fails_cleanly(
    aws_build: None,
    company: Company,
    tmp_path: Path,
    pack_dir: Path,
    image: str,
    region: str | None,
    said: str,
) -> None:
    """Before any stack is made: a message and exit 1, and nothing the build made is left."""
    result = qalx("factory-build", "-p", str(write_plan(tmp_path, image, region)), "--stage",
                  "prod")  # fmt: skip
    assert result.exit_code == 1, result.output
    assert said in result.output and "Factory build failed" in result.output
    made = company.session()
    assert made.factory.find(include_session_tags=False).data == []
    assert made.item.find(include_session_tags=False).data == []
    assert boto("cloudformation").describe_stacks()["Stacks"] == []
    assert list(pack_dir.glob("builds_*")) == []


def test_cli_demolish_without_the_builders_aws_profile(
    aws_build: None, company: Company, tmp_path: Path, pack_dir: Path
) -> None:
    """Its stack cannot be reached from here (the AWS profile it was built with is not
    configured): exit 1 naming the profile, the factory kept for another try."""
    made = company.session()
    factory = made.factory.add("beam_calcs", source=str(write_plan(tmp_path)), stage="prod")
    stack = f"arn:aws:cloudformation:{REGION}:123456789012:stack/qalx-factory-x/1"
    record = {"aws_profile": "builders-laptop", "stacks": {"c": stack}, "regions": {"c": REGION}}
    factory["meta"] = {"qalx": {"aws": record}}
    made.factory.save(factory)
    result = qalx("factory-demolish", str(factory.guid), "--yes")
    assert result.exit_code == 1, result.output
    assert "deleting the stacks failed" in result.output, result.output
    assert "AWS profile 'builders-laptop'" in result.output
    assert made.factory.get(factory.guid)["status"] == "deleting"
