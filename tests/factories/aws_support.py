"""What the AWS factory tests share: moto in server mode (boto3 reaches it through the standard
AWS_ENDPOINT_URL, as it would reach AWS), the real qalx server with a fresh company, and a plan
with two AWS sectors. Imported by the test modules (not a conftest: the plan tests have theirs).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from qalx.factories._aws import RenderedStack
from tests.support.moto import ACCESS_KEY, REGION, SECRET_KEY, moto_server, reset

LINUX_IMAGE: Final = "ami-760aaa0f"
"""An Amazon Linux image moto knows in every region (no Platform)."""
WINDOWS_IMAGE: Final = "ami-03cf127a"
"""A Windows Server image moto knows (Platform `windows`)."""


def plan(linux: str = LINUX_IMAGE, windows: str = WINDOWS_IMAGE) -> dict[str, Any]:
    """A plan as yaml.safe_load gives it: two bots, a workflow, an alarm, and stage `prod` with
    one Linux and one Windows AWS sector."""
    return {
        "factory": {
            "name": "beam_calcs",
            "bots": {
                "doubler": {"source": {"path": "doubler"}, "bot_path": "doubler_bot:bot"},
                "reporter": {"source": {"pypi": "qalx-reporter"}, "bot_path": "reporter:bot"},
            },
            "workflows": {"flow": {"doubler": ["reporter"]}},
            "alarms": {
                "cpu_idle": {
                    "ComparisonOperator": "LessThanThreshold",
                    "EvaluationPeriods": 3,
                    "MetricName": "CPUUtilization",
                    "Namespace": "AWS/EC2",
                    "Period": 300,
                    "Statistic": "Average",
                    "Threshold": 1,
                    "AlarmActions": ["stop"],
                }
            },
            "stages": {
                "prod": {
                    "workflow": "flow",
                    "user_profile": "default",
                    "bot_profile": "default",
                    "calc_sector": {
                        "type": "aws",
                        "region_name": REGION,
                        "bots": {"doubler": {"queue-name": "doubling", "processes": 1}},
                        "parameters": {"ImageId": linux, "InstanceType": "t3.micro"},
                        "alarm": "cpu_idle",
                    },
                    "reports": {
                        "type": "aws",
                        "region_name": REGION,
                        "bots": {"reporter": {"q": "reports"}},
                        "parameters": {"ImageId": windows, "InstanceType": "t3.small"},
                        "alarm": "cpu_idle",
                    },
                }
            },
        }
    }


def aws_sectors(parsed: dict[str, Any], stage: str = "prod") -> dict[str, dict[str, Any]]:
    return {
        name: sector
        for name, sector in parsed["factory"]["stages"][stage].items()
        if isinstance(sector, dict) and sector.get("type") == "aws"
    }


def for_moto(rendered: RenderedStack) -> RenderedStack:
    """The template as moto 5.2.5 can create it: its AWS::SSM::Parameter reads Tags as a list
    (CloudFormation, and cfn-lint, want a map). moto also skips AWS::SecretsManager::Secret
    (it warns "No Moto CloudFormation support"), so no secret appears; the tests say so."""
    template = copy.deepcopy(rendered.template)
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::SSM::Parameter":
            tags = resource["Properties"]["Tags"]
            resource["Properties"]["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return RenderedStack(template, rendered.parameters)


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """boto3 pointed at a fresh moto by the standard environment only, with no AWS files or
    settings of this machine (and no default region: sectors name theirs)."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    reset(moto_endpoint)
    yield moto_endpoint
    reset(moto_endpoint)
