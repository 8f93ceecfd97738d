"""The CloudFormation template of an AWS factory stack, rendered from a plan (no AWS needed):
cfn-lint accepts it, and it holds what runtime-contract §6.5 says, named and tagged as said.
Also the bot-start argument list every provider starts bots with."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from qalx import __version__
from qalx.errors import QalxFactoryError
from qalx.factories._aws import AwsStackId, RenderedStack, render_template
from qalx.factories._launch import bot_start_args
from qalx.factories._tree import successors

from .aws_support import WINDOWS_IMAGE, aws_sectors, plan

CFN_LINT = Path(sys.executable).with_name("cfn-lint")
GUID = "0b7e6a52-3f4c-4a55-9d59-6c2a1d1f7e10"
USER = {"TOKEN": "user-secret-token", "BASE_URL": "https://qalx.example.com/api", "KEYFILE": ""}
BOT = {"MSG_WAITTIMESECONDS": "5", "TOKEN": "bot-secret-token"}


def ident(name: str = "beam_calcs") -> AwsStackId:
    return AwsStackId(name, GUID, "prod", "dev_account", "eu-west-2")


def rendered(name: str = "beam_calcs") -> RenderedStack:
    parsed = plan()
    parsed["factory"]["name"] = name
    return render_template(
        parsed, ident(name), aws_sectors(parsed), USER, BOT, windows_images={WINDOWS_IMAGE}
    )


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def tag_map(tags: Any) -> dict[str, str]:
    return tags if isinstance(tags, dict) else {t["Key"]: t["Value"] for t in tags}


def test_cfn_lint_accepts_a_two_sector_stack(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(rendered().template_yaml())
    linted = subprocess.run(
        [str(CFN_LINT), "--regions", "eu-west-2", "--", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr
    # and a broken one is refused (the check can fail)
    broken = yaml.safe_load(path.read_text())
    del broken["Resources"]["SectorCalcSectorWaitHandle"]
    path.write_text(yaml.safe_dump(broken))
    linted = subprocess.run(
        [str(CFN_LINT), "--regions", "eu-west-2", "--", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert linted.returncode != 0 and "SectorCalcSectorWaitHandle" in linted.stdout


def test_names_and_tags() -> None:
    stack = ident()
    template = rendered().template
    assert stack.stack_name == f"qalx-factory-beamcalcs-devaccount-{GUID}"
    instances = of_type(template, "AWS::EC2::Instance")
    assert set(instances) == {"SectorCalcSectorInstance", "SectorReportsInstance"}
    calc = instances["SectorCalcSectorInstance"]["Properties"]
    assert calc["InstanceType"] == "t3.micro"  # the sector's parameters, merged in
    assert tag_map(calc["Tags"]) == {
        "Name": f"qalx-beamcalcs-calcsector-instance-{GUID}",
        "qalx-factory-guid": GUID,
        "qalx-factory-stage": "prod",
        "qalx-created-version": __version__,
        "qalx-factory-name": "beam_calcs",
        "qalx-creating-aws-profile": "dev_account",
    }
    untaggable = {
        "AWS::IAM::InstanceProfile",
        "AWS::CloudFormation::WaitCondition",
        "AWS::CloudFormation::WaitConditionHandle",
    }
    for logical, resource in template["Resources"].items():
        if resource["Type"] in untaggable:
            continue
        tags = tag_map(resource["Properties"]["Tags"])
        assert set(tags) == set(tag_map(calc["Tags"])), logical
        assert tags["qalx-factory-guid"] == GUID and tags["Name"].startswith("qalx-beamcalc")


def test_roles_fit_64_characters_and_stay_apart() -> None:
    long_name = "a_factory_with_a_name_long_enough_to_overflow"
    template = rendered(long_name).template
    roles = [r["Properties"]["RoleName"] for r in of_type(template, "AWS::IAM::Role").values()]
    assert len(roles) == 2 and len(set(roles)) == 2
    for role in roles:
        assert len(role) <= 64 and role.endswith(f"-role-{GUID}") and "_" not in role
    short = {
        k: r["Properties"]["RoleName"]
        for k, r in of_type(rendered().template, "AWS::IAM::Role").items()
    }
    assert short["SectorReportsRole"] == f"qalx-beamcalcs-reports-role-{GUID}"  # 64: fits
    # 67 characters whole: shortened, with a hash of what was cut
    assert short["SectorCalcSectorRole"] == f"qalx-beamcalc-304aa978-role-{GUID}"


def test_profiles_become_parameters_and_secrets_read_only_by_their_instance() -> None:
    stack = rendered()
    template, text = stack.template, stack.template_yaml()
    instance = f"qalx-beamcalcs-calcsector-instance-{GUID}"
    params = {
        p["Properties"]["Name"]: p["Properties"]
        for p in of_type(template, "AWS::SSM::Parameter").values()
    }
    assert params[f"{instance}_QALX_USER_BASE_URL"]["Value"] == USER["BASE_URL"]
    assert params[f"{instance}_QALX_BOT_MSG_WAITTIMESECONDS"]["Type"] == "String"
    assert not any("KEYFILE" in name for name in params)  # empty keys are left out
    secrets = {
        s["Properties"]["Name"]: s
        for s in of_type(template, "AWS::SecretsManager::Secret").values()
    }
    assert f"{instance}_QALX_USER_TOKEN" in secrets and f"{instance}_QALX_BOT_TOKEN" in secrets
    assert not any("TOKEN" in name for name in params)
    # no token in the stored template: they come in as NoEcho parameters
    assert "user-secret-token" not in text and "bot-secret-token" not in text
    ref = secrets[f"{instance}_QALX_USER_TOKEN"]["Properties"]["SecretString"]["Ref"]
    assert template["Parameters"][ref] == {"Type": "String", "NoEcho": True}
    assert stack.parameters[ref] == "user-secret-token"
    # the instance starts after its settings exist
    depends = template["Resources"]["SectorCalcSectorInstance"]["DependsOn"]
    assert {k for k, v in template["Resources"].items()
            if v["Type"] in ("AWS::SSM::Parameter", "AWS::SecretsManager::Secret")
            and k.startswith("SectorCalcSector")} == set(depends)  # fmt: skip
    policy = template["Resources"]["SectorCalcSectorRole"]["Properties"]
    assume = policy["AssumeRolePolicyDocument"]["Statement"][0]
    assert assume["Principal"] == {"Service": "ec2.amazonaws.com"}
    statements = policy["Policies"][0]["PolicyDocument"]["Statement"]
    scoped = [s["Resource"]["Fn::Sub"] for s in statements if s["Resource"] != "*"]
    assert scoped == [
        f"arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/{instance}_*",
        f"arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:"
        f"{instance}_*",
    ]
    [listing] = [s for s in statements if s["Resource"] == "*"]
    assert sorted(listing["Action"]) == ["secretsmanager:ListSecrets", "ssm:DescribeParameters"]


def test_user_data_bootstraps_and_signals() -> None:
    template = rendered().template
    resources = template["Resources"]
    linux = resources["SectorCalcSectorInstance"]["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
    instance = f"qalx-beamcalcs-calcsector-instance-{GUID}"
    assert "- [scripts-user, always]" in linux
    assert (
        "sudo -u ec2-user -H /home/ec2-user/.venvs/qalx/bin/qalx factory-bootstrap"
        f" --factory_guid {GUID} --sector_name calc_sector --profile_name dev_account"
        f" --region_name eu-west-2 --instance_name {instance}"
    ) in linux
    assert "CODE=$(head -c 1 /tmp/bootstrap.log 2>/dev/null || echo 1)" in linux
    assert '/opt/aws/bin/cfn-signal -e "$CODE" "${SectorCalcSectorWaitHandle}"' in linux
    assert linux.count("${") == 1  # Fn::Sub sees only the handle
    windows = resources["SectorReportsInstance"]["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
    assert windows.startswith("<powershell>") and "<persist>true</persist>" in windows
    assert r"C:\Users\Administrator\.venvs\qalx\Scripts\qalx.exe" in windows
    assert 'cfn-signal.exe\' -e $code "${SectorReportsWaitHandle}"' in windows
    wait = resources["SectorCalcSectorWaitCondition"]
    assert wait["Properties"] == {
        "Handle": {"Ref": "SectorCalcSectorWaitHandle"},
        "Timeout": "1200",
        "Count": 1,
    }
    assert wait["DependsOn"] == "SectorCalcSectorInstance"


def test_a_sector_may_name_its_qalx_command() -> None:
    parsed = plan()
    sectors = aws_sectors(parsed)
    sectors["calc_sector"]["qalx_command"] = "/opt/qalx/bin/qalx"
    template = render_template(parsed, ident(), sectors, USER, {}).template
    script = template["Resources"]["SectorCalcSectorInstance"]["Properties"]["UserData"]
    assert "-H /opt/qalx/bin/qalx factory-bootstrap" in script["Fn::Base64"]["Fn::Sub"]
    # base64 of it is what EC2 gets; the text itself must be plain ASCII
    base64.b64encode(script["Fn::Base64"]["Fn::Sub"].encode("ascii"))


def test_alarms_expand_their_actions_per_instance() -> None:
    alarms = of_type(rendered().template, "AWS::CloudWatch::Alarm")
    assert set(alarms) == {"SectorCalcSectorAlarmCpuIdle", "SectorReportsAlarmCpuIdle"}
    calc = alarms["SectorCalcSectorAlarmCpuIdle"]["Properties"]
    assert calc["AlarmActions"] == ["arn:aws:automate:eu-west-2:ec2:stop"]
    assert calc["Dimensions"] == [
        {"Name": "InstanceId", "Value": {"Ref": "SectorCalcSectorInstance"}}
    ]
    assert calc["MetricName"] == "CPUUtilization" and calc["Threshold"] == 1


def test_what_a_template_cannot_be_made_from() -> None:
    parsed = plan()
    sectors = aws_sectors(parsed)
    sectors["reports"]["alarm"] = "no_such_alarm"
    with pytest.raises(QalxFactoryError, match="names alarm 'no_such_alarm'"):
        render_template(parsed, ident(), sectors, USER, BOT)
    sectors = aws_sectors(plan())
    del sectors["reports"]["parameters"]["ImageId"]
    with pytest.raises(QalxFactoryError, match=r"'reports' has no parameters\.ImageId"):
        render_template(parsed, ident(), sectors, USER, BOT)
    twins = {"calc-1": aws_sectors(plan())["reports"], "calc_1": aws_sectors(plan())["reports"]}
    with pytest.raises(QalxFactoryError, match="differ only in punctuation"):
        render_template(parsed, ident(), twins, USER, BOT)


def test_bot_start_args() -> None:
    """The one command line every provider starts bots with (qalx.factories._launch): a
    mapping option repeats the flag as `k=v`, a `stop` option is moot."""
    args = bot_start_args(
        {"queue-name": "doubling", "--processes": 3, "q": "x", "skip-ini": False,
         "meta": {"site": "lab", "n": 2}, "stop": True},
        stage="prod",
        factory_guid=uuid.UUID(GUID),
        plan_bot_name="doubler",
        bot_path="doubler_bot:bot",
        workflow=["reporter", "archiver"],
    )  # fmt: skip
    pyqalx = json.dumps(
        {"factory_guid": GUID, "plan_bot_name": "doubler", "stage": "prod"}, sort_keys=True
    )
    assert args == [
        "--queue-name", "doubling",
        "--processes", "3",
        "-q", "x",
        "--meta", "site=lab",
        "--meta", "n=2",
        "--skip-ini",
        "--stop",
        "--workflow", "reporter",
        "--workflow", "archiver",
        "--meta", "_class=pyqalx.factory",
        "--meta", f"pyqalx={pyqalx}",
        "doubler_bot:bot",
    ]  # fmt: skip


def test_workflow_children() -> None:
    children = successors({"a": [{"b": ["c", "d"]}, "e"], "f": "g"})
    assert children["a"] == ["b", "e"] and children["b"] == ["c", "d"]
    assert children["f"] == ["g"] and children["c"] == []
    assert successors("a") == {"a": []}
