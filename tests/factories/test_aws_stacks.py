"""AWS factory stacks against moto in server mode: checked, created from a rendered template,
followed to the end and deleted; a failing create is a QalxFactoryBuildError with the reason.
The template is stored through the real qalx server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import moto.settings
import pytest
import yaml

from qalx import QalxSession
from qalx.errors import QalxFactoryBuildError, QalxFactoryError
from qalx.factories._aws import AwsStackId, AwsStacks, render_template
from tests.support.cli import Company
from tests.support.moto import REGION

from . import aws_support
from .aws_support import LINUX_IMAGE, WINDOWS_IMAGE, aws_sectors, for_moto, plan

# the shared fixtures, by name (a conftest here is the plan tests')
moto_endpoint, aws = (
    aws_support.moto_endpoint,
    aws_support.aws,
)

pytestmark = pytest.mark.filterwarnings(
    # moto's CloudFormation skips the types it lacks (wait conditions, secrets, alarms) with
    # a warning, raised in its server thread
    "ignore:Tried to parse AWS:UserWarning"
)

USER = {"TOKEN": "user-token-1", "BASE_URL": "http://127.0.0.1:1/api"}
BOT = {"MSG_WAITTIMESECONDS": "1"}


def boto(service: str) -> Any:
    return boto3.session.Session(region_name=REGION).client(service)  # type: ignore[call-overload]


def ident() -> AwsStackId:
    return AwsStackId("beam_calcs", str(uuid.uuid4()), "prod", None, REGION)


def test_a_region_is_needed(aws: str) -> None:
    with pytest.raises(QalxFactoryError, match="no AWS region"):
        AwsStacks(None)
    assert AwsStacks(None, REGION).region == REGION
    with pytest.raises(QalxFactoryError, match="AWS profile 'nobody'"):
        AwsStacks("nobody", REGION)


def test_check_finds_the_images(aws: str) -> None:
    stacks = AwsStacks(None, REGION)
    sectors = aws_sectors(plan())
    assert stacks.check(sectors, simulate=False) == {WINDOWS_IMAGE}
    missing = aws_sectors(plan(linux="ami-00000000000000000"))
    with pytest.raises(QalxFactoryError, match="ami-00000000000000000"):
        stacks.check(missing, simulate=False)
    # moto does not implement iam:SimulatePrincipalPolicy: the check says it could not check
    with pytest.raises(QalxFactoryError, match="cannot check the AWS permissions"):
        stacks.check(sectors)


@pytest.fixture
def session(company: Company) -> Iterator[QalxSession]:
    with QalxSession(skip_ini=True) as made:
        yield made


def test_create_follow_and_delete(aws: str, session: QalxSession) -> None:
    stack = ident()
    parsed = plan()
    sectors = aws_sectors(parsed)
    stacks = AwsStacks(None, REGION, poll_interval=0.1, timeout=60)
    windows = stacks.check(sectors, simulate=False)
    rendered = for_moto(render_template(parsed, stack, sectors, USER, BOT, windows))
    stack_id = stacks.create(session, rendered, stack)

    cloudformation = boto("cloudformation")
    [described] = cloudformation.describe_stacks(StackName=stack_id)["Stacks"]
    assert described["StackName"] == stack.stack_name
    assert described["StackStatus"] == "CREATE_COMPLETE"
    assert described["EnableTerminationProtection"] is True
    # (moto does not echo Capabilities; without CAPABILITY_NAMED_IAM AWS refuses named roles)
    tags = {t["Key"]: t["Value"] for t in described["Tags"]}
    assert tags["qalx-factory-guid"] == stack.factory_guid
    assert tags["Name"] == stack.stack_name and tags["qalx-creating-aws-profile"] == "default"
    # what the instance will read exists, named after it
    instance = stack.instance_name("calc_sector")
    ssm = boto("ssm").get_parameter(Name=f"{instance}_QALX_USER_BASE_URL")["Parameter"]
    assert ssm["Value"] == USER["BASE_URL"]
    assert {"Key": "qalx-factory-stage", "Value": "prod"} in boto("ssm").list_tags_for_resource(
        ResourceType="Parameter", ResourceId=f"{instance}_QALX_USER_BASE_URL"
    )["TagList"]
    # the token's secret is in the template, and moto leaves it out (see for_moto)
    assert boto("secretsmanager").list_secrets()["SecretList"] == []
    role = stack.resource_name("reports", "role", limit=64)
    assert boto("iam").get_role(RoleName=role)["Role"]["RoleName"] == role
    running = boto("ec2").describe_instances(
        Filters=[{"Name": "tag:qalx-factory-guid", "Values": [stack.factory_guid]}]
    )
    images = {i["ImageId"] for r in running["Reservations"] for i in r["Instances"]}
    assert images == {LINUX_IMAGE, WINDOWS_IMAGE}
    # the template was stored as an item carrying the factory's metadata
    [item] = session.item.find({"meta.pyqalx.factory_guid": stack.factory_guid}).data
    assert item.meta["_class"] == "pyqalx.factory" and item.meta.pyqalx.plan_bot_name is None
    assert item.meta.pyqalx.stage == "prod"
    stored = yaml.safe_load(session.files.read(item.file))
    assert stored == rendered.template

    stacks.delete(stack_id)
    left = cloudformation.list_stacks()["StackSummaries"]
    assert [s["StackStatus"] for s in left if s["StackId"] == stack_id] == ["DELETE_COMPLETE"]
    assert not [s for s in left if s["StackStatus"] != "DELETE_COMPLETE"]
    iam = boto("iam")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName=role)


def test_a_failing_create_says_why(
    aws: str, session: QalxSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    stacks = AwsStacks(None, REGION, poll_interval=0.1, timeout=60)
    parsed = plan()
    stack = ident()
    rendered = for_moto(render_template(parsed, stack, aws_sectors(parsed), USER, BOT))
    stack_id = stacks.create(session, rendered, stack)
    # the same stack again: CloudFormation's refusal is the message
    with pytest.raises(QalxFactoryBuildError, match=f"{stack.stack_name} was not created:.*exists"):
        stacks.create(session, rendered, stack)
    # a stack that ends other than CREATE_COMPLETE is an error with its status (moto creates
    # synchronously and never fails a resource, so the stack is made to end deleted)
    boto("cloudformation").delete_stack(StackName=stack_id)
    with pytest.raises(QalxFactoryBuildError, match=f"stack {stack_id} is DELETE_COMPLETE"):
        stacks._follow(stack_id, "CREATE_COMPLETE", ("CREATE_IN_PROGRESS",), QalxFactoryBuildError)
    # a bad ImageId (moto checks them on RunInstances when its documented setting says so,
    # read at each call by its in-process server): moto answers the create with a 500, where
    # AWS would fail the instance and roll back; either way, a build error naming the stack
    monkeypatch.setattr(moto.settings, "ENABLE_AMI_VALIDATION", True)
    parsed = plan(linux="ami-0badbadbadbadbad0")
    stack = ident()
    rendered = for_moto(render_template(parsed, stack, aws_sectors(parsed), USER, BOT))
    with pytest.raises(QalxFactoryBuildError, match=f"{stack.stack_name} was not created"):
        stacks.create(session, rendered, stack)


def test_deleting_is_idempotent(aws: str) -> None:
    """A demolish run again finds its stack gone: that is done, not an error."""
    AwsStacks(None, REGION, poll_interval=0.1).delete("qalx-factory-nothing-here")
