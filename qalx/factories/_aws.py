"""The AWS provider of factories: one CloudFormation stack per (AWS profile, region), holding
one EC2 instance per sector that bootstraps its bots with `qalx factory-bootstrap`.

The template is plain dicts rendered with pyyaml, not troposphere: a template is data, the
resource types used here are few and stable, and it is one dependency fewer. cfn-lint checks
what we render (in the tests), which is the job troposphere's classes would half do.

Unlike pyqalx, no secret is written into the template: each TOKEN reaches Secrets Manager
through a NoEcho stack parameter, so the template stored as a qalx item holds no credentials.

Every name and tag of a stack comes from `AwsStackId`; `render_template` is pure; `AwsStacks`
talks to AWS (boto3 loads on first use); `AwsProvider` is the build's `Provider` for `aws`
sectors. Before any stack is made the caller's IAM policy is simulated, unless
`QALX_FACTORY_AWS_SIMULATE=0` (moto, or a caller not allowed to simulate). boto3 finds its
endpoint in the standard AWS environment (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`),
which is how tests use moto.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shlex
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, cast
from urllib.parse import urlsplit

from qalx import __version__
from qalx.config import BotConfig, Config, UserConfig
from qalx.errors import (
    QalxConfigFileNotFound,
    QalxConfigProfileNotFound,
    QalxFactoryBuildError,
    QalxFactoryDemolishError,
    QalxFactoryError,
)
from qalx.factories._bootstrap import BOOTSTRAP_LOG
from qalx.factories._launch import FACTORY_CLASS, bot_query, factory_meta, registered
from qalx.factories._provider import Context, Sector

if TYPE_CHECKING:
    import boto3.session
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cloudformation.type_defs import TagTypeDef
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_sts import STSClient

    from qalx.session import QalxSession

WAIT_TIMEOUT: Final = 1200
"""Seconds CloudFormation waits for an instance's bootstrap to signal."""

ROLE_NAME_LIMIT: Final = 64

DEFAULT_QALX_COMMAND: Final = {
    "linux": "/home/ec2-user/.venvs/qalx/bin/qalx",
    "windows": r"C:\Users\Administrator\.venvs\qalx\Scripts\qalx.exe",
}
"""Where the AMI has qalx installed, unless a sector says otherwise with its `qalx_command`
key (a sector key, not one of its `parameters`, which go to the EC2 Instance verbatim). The
Linux bootstrap runs as ec2-user, the Windows one as the EC2Launch user."""

LINUX_USER: Final = "ec2-user"
CFN_SIGNAL: Final = {
    "linux": "/opt/aws/bin/cfn-signal",
    "windows": r"C:\Program Files\Amazon\cfn-bootstrap\cfn-signal.exe",
}

REQUIRED_ACTIONS: Final = (
    "cloudformation:CreateStack",
    "cloudformation:DeleteStack",
    "cloudformation:DescribeStacks",
    "cloudformation:DescribeStackEvents",
    "cloudformation:UpdateTerminationProtection",
    "ec2:DescribeImages",
    "ec2:DescribeInstances",
    "ec2:RunInstances",
    "ec2:TerminateInstances",
    "ec2:CreateTags",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:GetRole",
    "iam:PassRole",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:TagRole",
    "iam:CreateInstanceProfile",
    "iam:DeleteInstanceProfile",
    "iam:AddRoleToInstanceProfile",
    "iam:RemoveRoleFromInstanceProfile",
    "ssm:PutParameter",
    "ssm:DeleteParameter",
    "ssm:AddTagsToResource",
    "secretsmanager:CreateSecret",
    "secretsmanager:DeleteSecret",
    "secretsmanager:TagResource",
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DeleteAlarms",
)
"""What building and demolishing a stack asks of the caller (checked before building)."""


def _strip(text: str) -> str:
    return text.replace("_", "")


def _logical(text: str) -> str:
    """A CloudFormation logical id part: alphanumerics only, each word capitalised."""
    words = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


@dataclass(frozen=True)
class AwsStackId:
    """The one home of a stack's names and tags: factory, stage, AWS profile and region."""

    factory_name: str
    factory_guid: str
    stage: str
    aws_profile: str | None
    """None: boto3's default chain, named `default` in names and tags."""
    region: str

    @property
    def profile_label(self) -> str:
        return self.aws_profile or "default"

    @property
    def stack_name(self) -> str:
        return _strip(f"qalx-factory-{self.factory_name}-{self.profile_label}-{self.factory_guid}")

    def resource_name(self, sector: str, suffix: str, limit: int | None = None) -> str:
        """`qalx-<factory>-<sector>-<suffix>-<guid>`, underscores stripped. Past `limit`, the
        middle is shortened (with a hash of it, so sectors stay apart) and the guid kept whole,
        so names stay unique across factories (pyqalx cut the end, guid and all)."""
        name = _strip(f"qalx-{self.factory_name}-{sector}-{suffix}-{self.factory_guid}")
        if limit is None or len(name) <= limit:
            return name
        tail = f"-{suffix}-{self.factory_guid}"
        middle = _strip(f"qalx-{self.factory_name}-{sector}")
        digest = hashlib.sha1(middle.encode()).hexdigest()[:8]
        room = limit - len(_strip(tail)) - len(digest) - 1
        if room < 5:
            raise QalxFactoryError(f"cannot fit a name for sector {sector!r} in {limit} chars")
        return f"{middle[:room]}-{digest}{_strip(tail)}"

    def instance_name(self, sector: str) -> str:
        """Names the instance, and prefixes its SSM parameters and secrets (it holds no `_`,
        so the bootstrap splits `<instance>_QALX_USER_TOKEN` at the first underscore)."""
        return self.resource_name(sector, "instance")

    def tags(self, name: str) -> list[dict[str, str]]:
        return [
            {"Key": "Name", "Value": name},
            {"Key": "qalx-factory-guid", "Value": self.factory_guid},
            {"Key": "qalx-factory-stage", "Value": self.stage},
            {"Key": "qalx-created-version", "Value": __version__},
            {"Key": "qalx-factory-name", "Value": self.factory_name},
            {"Key": "qalx-creating-aws-profile", "Value": self.profile_label},
        ]


@dataclass(frozen=True)
class RenderedStack:
    """A template and the values of its NoEcho parameters (the tokens), kept apart so the
    template can be stored and shown."""

    template: dict[str, Any]
    parameters: dict[str, str]

    def template_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.template, sort_keys=False, width=1000)


def _platform(image_id: str, windows_images: Collection[str]) -> str:
    return "windows" if image_id in windows_images else "linux"


def _linux_user_data(command: list[str], handle: str) -> str:
    """cloud-init: scripts-user on every boot, then the bootstrap as ec2-user and a signal with
    the first character of its log (1 when there is none). No `${` but the handle's: the text
    goes through Fn::Sub."""
    log = f"/tmp/{BOOTSTRAP_LOG}"
    line = " ".join(shlex.quote(part) for part in command)
    return "\n".join(
        [
            'Content-Type: multipart/mixed; boundary="//"',
            "MIME-Version: 1.0",
            "",
            "--//",
            'Content-Type: text/cloud-config; charset="us-ascii"',
            "",
            "#cloud-config",
            "cloud_final_modules:",
            "- [scripts-user, always]",
            "",
            "--//",
            'Content-Type: text/x-shellscript; charset="us-ascii"',
            "",
            "#!/bin/bash",
            f"rm -f {log}",
            f"sudo -u {LINUX_USER} -H {line}",
            f"CODE=$(head -c 1 {log} 2>/dev/null || echo 1)",
            f'{CFN_SIGNAL["linux"]} -e "$CODE" "${{{handle}}}"',
            "--//--",
            "",
        ]
    )


def _windows_user_data(command: list[str], handle: str) -> str:
    """EC2Launch PowerShell, kept for every boot (`persist`), as the Linux variant."""

    def quoted(part: str) -> str:
        return "'" + part.replace("'", "''") + "'"

    line = " ".join(quoted(part) for part in command)
    return "\n".join(
        [
            "<powershell>",
            f"$log = Join-Path $env:TEMP '{BOOTSTRAP_LOG}'",
            "Remove-Item $log -ErrorAction SilentlyContinue",
            f"& {line}",
            "$code = '1'",
            "if (Test-Path $log) { $code = (Get-Content $log -Raw).Substring(0, 1) }",
            f'& {quoted(CFN_SIGNAL["windows"])} -e $code "${{{handle}}}"',
            "</powershell>",
            "<persist>true</persist>",
            "",
        ]
    )


def _profile_settings(section: str, profile: Mapping[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """(`QALX_<SECTION>_<KEY>`, value, is_secret) for each non-empty key of a profile."""
    for key, value in profile.items():
        if value is None or str(value) == "":
            continue
        yield f"QALX_{section}_{key.upper()}", str(value), key.upper() == "TOKEN"


def _alarm(
    definition: Mapping[str, Any], ident: AwsStackId, name: str, instance_ref: str
) -> dict[str, Any]:
    properties = dict(definition)
    actions = []
    for action in properties.get("AlarmActions", []):
        text = str(action)
        actions.append(
            text if text.startswith("arn:") else f"arn:aws:automate:{ident.region}:ec2:{text}"
        )
    if actions:
        properties["AlarmActions"] = actions
    properties["AlarmName"] = name
    properties.setdefault("Dimensions", [{"Name": "InstanceId", "Value": {"Ref": instance_ref}}])
    properties["Tags"] = ident.tags(name)
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}


def render_template(
    plan: Mapping[str, Any],
    ident: AwsStackId,
    sectors: Mapping[str, Mapping[str, Any]],
    user_profile: Mapping[str, Any],
    bot_profile: Mapping[str, Any],
    windows_images: Collection[str] = (),
) -> RenderedStack:
    """The CloudFormation template of one stack: per sector (name → its plan dict) a role, an
    instance profile, an instance, a wait condition, the profiles' settings as SSM parameters
    (TOKEN as a secret) and its alarm. `plan` is the whole parsed plan (for `factory.alarms`);
    `windows_images` are the ImageIds whose image has a Platform (see `AwsStacks.check`)."""
    alarms: Mapping[str, Any] = (plan.get("factory") or {}).get("alarms") or {}
    resources: dict[str, Any] = {}
    parameters: dict[str, Any] = {}
    values: dict[str, str] = {}
    seen: dict[str, str] = {}
    for sector_name, sector in sectors.items():
        prefix = "Sector" + _logical(sector_name)
        if prefix in seen:
            raise QalxFactoryError(
                f"sectors {seen[prefix]!r} and {sector_name!r} differ only in punctuation"
            )
        seen[prefix] = sector_name
        instance_params = dict(sector.get("parameters") or {})
        image_id = instance_params.get("ImageId")
        if not image_id:
            raise QalxFactoryError(f"sector {sector_name!r} has no parameters.ImageId")
        platform = _platform(str(image_id), windows_images)
        instance = ident.instance_name(sector_name)
        role, profile, handle, wait = (
            f"{prefix}Role",
            f"{prefix}InstanceProfile",
            f"{prefix}WaitHandle",
            f"{prefix}WaitCondition",
        )

        settings: list[str] = []
        for section, values_of in (("USER", user_profile), ("BOT", bot_profile)):
            for env_name, value, secret in _profile_settings(section, values_of):
                name = f"{instance}_{env_name}"
                logical = f"{prefix}{'Secret' if secret else 'Param'}{_logical(env_name.lower())}"
                settings.append(logical)
                if secret:
                    parameters[f"{logical}Value"] = {"Type": "String", "NoEcho": True}
                    values[f"{logical}Value"] = value
                    resources[logical] = {
                        "Type": "AWS::SecretsManager::Secret",
                        "Properties": {
                            "Name": name,
                            "SecretString": {"Ref": f"{logical}Value"},
                            "Tags": ident.tags(name),
                        },
                    }
                else:
                    resources[logical] = {
                        "Type": "AWS::SSM::Parameter",
                        "Properties": {
                            "Name": name,
                            "Type": "String",
                            "Value": value,
                            "Tags": {t["Key"]: t["Value"] for t in ident.tags(name)},
                        },
                    }

        role_name = ident.resource_name(sector_name, "role", limit=ROLE_NAME_LIMIT)
        arn = "arn:${AWS::Partition}:%s:${AWS::Region}:${AWS::AccountId}:%s"
        resources[role] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": role_name,
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "Policies": [
                    {
                        "PolicyName": "qalx-instance-settings",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": ["ssm:GetParameter", "ssm:GetParameters"],
                                    "Resource": {
                                        "Fn::Sub": arn % ("ssm", f"parameter/{instance}_*")
                                    },
                                },
                                {
                                    "Effect": "Allow",
                                    "Action": [
                                        "secretsmanager:GetSecretValue",
                                        "secretsmanager:DescribeSecret",
                                    ],
                                    "Resource": {
                                        "Fn::Sub": arn % ("secretsmanager", f"secret:{instance}_*")
                                    },
                                },
                                {
                                    "Effect": "Allow",
                                    "Action": [
                                        "ssm:DescribeParameters",
                                        "secretsmanager:ListSecrets",
                                    ],
                                    "Resource": "*",
                                },
                            ],
                        },
                    }
                ],
                "Tags": ident.tags(role_name),
            },
        }
        resources[profile] = {
            "Type": "AWS::IAM::InstanceProfile",
            "Properties": {
                "InstanceProfileName": ident.resource_name(
                    sector_name, "profile", limit=ROLE_NAME_LIMIT * 2
                ),
                "Roles": [{"Ref": role}],
            },
        }
        command = [
            str(sector.get("qalx_command") or DEFAULT_QALX_COMMAND[platform]),
            "factory-bootstrap",
            "--factory_guid",
            ident.factory_guid,
            "--sector_name",
            sector_name,
            "--profile_name",
            ident.profile_label,
            "--region_name",
            ident.region,
            "--instance_name",
            instance,
        ]
        user_data = (_windows_user_data if platform == "windows" else _linux_user_data)(
            command, handle
        )
        own_tags = {t["Key"] for t in ident.tags(instance)}
        extra_tags = [t for t in instance_params.pop("Tags", []) if t.get("Key") not in own_tags]
        resources[f"{prefix}Instance"] = {
            "Type": "AWS::EC2::Instance",
            "DependsOn": settings,
            "Properties": {
                **instance_params,
                "IamInstanceProfile": {"Ref": profile},
                "UserData": {"Fn::Base64": {"Fn::Sub": user_data}},
                "Tags": [*ident.tags(instance), *extra_tags],
            },
        }
        resources[handle] = {"Type": "AWS::CloudFormation::WaitConditionHandle"}
        resources[wait] = {
            "Type": "AWS::CloudFormation::WaitCondition",
            "DependsOn": f"{prefix}Instance",
            "Properties": {"Handle": {"Ref": handle}, "Timeout": str(WAIT_TIMEOUT), "Count": 1},
        }
        alarm_name = sector.get("alarm")
        if alarm_name:
            if alarm_name not in alarms:
                raise QalxFactoryError(
                    f"sector {sector_name!r} names alarm {alarm_name!r}, not in factory.alarms"
                )
            # One alarm resource per sector from the shared definition: an EC2 alarm action
            # acts on the one instance of its dimensions.
            resources[f"{prefix}Alarm{_logical(str(alarm_name))}"] = _alarm(
                alarms[alarm_name],
                ident,
                ident.resource_name(sector_name, _logical(str(alarm_name)).lower()),
                f"{prefix}Instance",
            )
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"qalx factory {ident.factory_name} ({ident.factory_guid}),"
        f" stage {ident.stage}",
    }
    if parameters:
        template["Parameters"] = parameters
    template["Resources"] = resources
    return RenderedStack(template, values)


def _is_s3_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host.endswith(".amazonaws.com") and ".s3" in f".{host}"


def _error_text(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        error = response.get("Error") or {}
        if error.get("Message") or error.get("Code"):
            return f"{error.get('Code', '')}: {error.get('Message', '')}".strip(": ")
    return f"{type(exc).__name__}: {exc}"


class AwsStacks:
    """The CloudFormation stacks of one (AWS profile, region): check, create, delete, each
    followed to its end by polling every `poll_interval` seconds."""

    def __init__(
        self,
        aws_profile: str | None = None,
        region_name: str | None = None,
        poll_interval: float = 10.0,
        timeout: float = 3600.0,
    ) -> None:
        import boto3.session
        import botocore.exceptions

        try:
            self._boto: boto3.session.Session = boto3.session.Session(profile_name=aws_profile)
        except botocore.exceptions.ProfileNotFound as exc:
            raise QalxFactoryError(f"AWS profile {aws_profile!r}: {exc}") from None
        region = region_name or self._boto.region_name
        if not region:
            raise QalxFactoryError(
                "no AWS region: give the sector a region_name, or configure a default region"
                f" for the AWS profile {aws_profile or 'default'!r}"
            )
        self.aws_profile = aws_profile
        self.region: str = region
        self.poll_interval = poll_interval
        self.timeout = timeout

    def cloudformation(self) -> CloudFormationClient:
        return self._boto.client("cloudformation", region_name=self.region)

    def _ec2(self) -> EC2Client:
        return self._boto.client("ec2", region_name=self.region)

    def _iam(self) -> IAMClient:
        return self._boto.client("iam", region_name=self.region)

    def _sts(self) -> STSClient:
        return self._boto.client("sts", region_name=self.region)

    # -- before building -------------------------------------------------------------------
    def check(self, sectors: Mapping[str, Mapping[str, Any]], simulate: bool = True) -> set[str]:
        """Check the sectors' AMIs exist (and, with `simulate`, that the caller may do every
        `REQUIRED_ACTIONS`); the ImageIds of Windows images (Platform `windows`: AWS leaves it
        blank for every other image, moto says `Linux/UNIX` for some)."""
        images = sorted(
            {str((s.get("parameters") or {}).get("ImageId") or "") for s in sectors.values()}
        )
        if "" in images:
            raise QalxFactoryError("every AWS sector needs parameters.ImageId")
        try:
            found = self._ec2().describe_images(ImageIds=images)["Images"]
        except Exception as exc:
            raise QalxFactoryError(
                f"cannot look up the images {', '.join(images)} in {self.region}:"
                f" {_error_text(exc)}"
            ) from None
        missing = set(images) - {image.get("ImageId") for image in found}
        if missing:
            raise QalxFactoryError(f"no such image in {self.region}: {', '.join(sorted(missing))}")
        if simulate:
            self._simulate()
        return {
            str(image["ImageId"])
            for image in found
            if str(image.get("Platform", "")).lower() == "windows"
        }

    def _simulate(self) -> None:
        try:
            arn = self._sts().get_caller_identity()["Arn"]
            # An assumed role is simulated as its role; the root user may do everything.
            assumed = re.fullmatch(r"arn:([^:]+):sts::(\d+):assumed-role/([^/]+)/.*", arn)
            if assumed:
                arn = f"arn:{assumed[1]}:iam::{assumed[2]}:role/{assumed[3]}"
            if arn.endswith(":root"):
                return
            pages = self._iam().get_paginator("simulate_principal_policy")
            denied = [
                result["EvalActionName"]
                for page in pages.paginate(PolicySourceArn=arn, ActionNames=list(REQUIRED_ACTIONS))
                for result in page["EvaluationResults"]
                if result["EvalDecision"] != "allowed"
            ]
        except Exception as exc:
            raise QalxFactoryError(
                f"cannot check the AWS permissions of the caller: {_error_text(exc)}"
            ) from None
        if denied:
            raise QalxFactoryError(
                f"the AWS caller {arn} may not do what a factory needs: {', '.join(denied)}"
            )

    # -- create ----------------------------------------------------------------------------
    def upload_template(
        self, session: QalxSession, rendered: RenderedStack, ident: AwsStackId
    ) -> str:
        """Store the template as a qalx item file carrying the factory's metadata (so demolish
        finds it); its URL."""
        item = session.item.add(
            source=io.BytesIO(rendered.template_yaml().encode()),
            file_name=f"{ident.stack_name}.yaml",
            meta={
                "_class": FACTORY_CLASS,
                "pyqalx": factory_meta(ident.stage, ident.factory_guid, None),
            },
            encrypt=False,
        )
        return str(item.file.url)

    def create(
        self,
        session: QalxSession,
        rendered: RenderedStack,
        ident: AwsStackId,
        demolish_on_failure: bool = True,
        on_created: Callable[[str], None] | None = None,
    ) -> str:
        """Create the stack and follow it to CREATE_COMPLETE; its stack id, also given to
        `on_created` as soon as CloudFormation answers it (so a failed create can still be
        deleted). The template goes as TemplateURL when the server stores files on S3
        (CloudFormation fetches only from S3), as TemplateBody otherwise (a self-hosted
        server's signed local URL)."""
        url = self.upload_template(session, rendered, ident)
        source: dict[str, str] = (
            {"TemplateURL": url} if _is_s3_url(url) else {"TemplateBody": rendered.template_yaml()}
        )
        try:
            stack_id = self.cloudformation().create_stack(
                StackName=ident.stack_name,
                **source,  # type: ignore[arg-type]
                Parameters=[
                    {"ParameterKey": key, "ParameterValue": value}
                    for key, value in rendered.parameters.items()
                ],
                Capabilities=["CAPABILITY_NAMED_IAM"],
                OnFailure="DELETE" if demolish_on_failure else "DO_NOTHING",
                EnableTerminationProtection=True,
                Tags=cast("list[TagTypeDef]", ident.tags(ident.stack_name)),
            )["StackId"]
        except Exception as exc:
            raise QalxFactoryBuildError(
                f"stack {ident.stack_name} was not created: {_error_text(exc)}"
            ) from None
        if on_created is not None:
            on_created(stack_id)
        self._follow(stack_id, "CREATE_COMPLETE", ("CREATE_IN_PROGRESS",), QalxFactoryBuildError)
        return stack_id

    # -- delete ----------------------------------------------------------------------------
    def delete(self, stack_id: str) -> None:
        """Switch termination protection off, delete the stack and follow it to the end. When
        protection cannot be switched off, the delete is still tried: if protection is on, its
        refusal says so (and moto 5.2.5 has no UpdateTerminationProtection at all)."""
        client = self.cloudformation()
        unprotect = ""
        try:
            client.update_termination_protection(
                EnableTerminationProtection=False, StackName=stack_id
            )
        except Exception as exc:
            unprotect = f" (switching termination protection off failed: {_error_text(exc)})"
        try:
            client.delete_stack(StackName=stack_id)
        except Exception as exc:
            raise QalxFactoryDemolishError(
                f"stack {stack_id} was not deleted: {_error_text(exc)}{unprotect}"
            ) from None
        self._follow(stack_id, "DELETE_COMPLETE", ("DELETE_IN_PROGRESS",), QalxFactoryDemolishError)

    # -- following -------------------------------------------------------------------------
    def status(self, stack_id: str) -> str:
        stacks = self.cloudformation().describe_stacks(StackName=stack_id)["Stacks"]
        return str(stacks[0]["StackStatus"])

    def failure_events(self, stack_id: str) -> list[str]:
        """`LogicalId (Type) STATUS: reason` for each failed resource, oldest first."""
        client = self.cloudformation()
        events = [
            event
            for page in client.get_paginator("describe_stack_events").paginate(StackName=stack_id)
            for event in page["StackEvents"]
        ]
        return [
            f"{e.get('LogicalResourceId')} ({e.get('ResourceType')}) {e.get('ResourceStatus')}:"
            f" {e.get('ResourceStatusReason')}"
            for e in reversed(events)
            if str(e.get("ResourceStatus", "")).endswith("FAILED")
        ]

    def _follow(
        self,
        stack_id: str,
        success: str,
        waiting: tuple[str, ...],
        error: type[QalxFactoryError],
    ) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                status = self.status(stack_id)
            except Exception as exc:
                if success == "DELETE_COMPLETE" and "does not exist" in _error_text(exc):
                    return  # deleted already (a name, unlike an id, stops resolving)
                raise error(f"stack {stack_id}: {_error_text(exc)}") from None
            if status == success:
                return
            if status not in waiting:
                try:
                    reasons = self.failure_events(stack_id)
                except Exception as exc:
                    reasons = [f"(its events could not be read: {_error_text(exc)})"]
                raise error(
                    "\n  ".join(
                        [f"stack {stack_id} is {status}:", *(reasons or ["no reason given"])]
                    )
                )
            if time.monotonic() > deadline:
                raise error(f"stack {stack_id} still {status} after {self.timeout:.0f} s")
            time.sleep(self.poll_interval)


SIMULATE_ENV: Final = "QALX_FACTORY_AWS_SIMULATE"
"""Set to `0`/`false`/`no`/`off` to skip the IAM simulation before a build (for an AWS
look-alike without iam:SimulatePrincipalPolicy, such as moto, or a caller not allowed to
simulate); anything else, or unset, simulates."""
STACK_WORKERS: Final = 5
"""Stacks created (and deleted) at once, as pyqalx has it."""


def simulate_by_default() -> bool:
    """Whether builds simulate the caller's IAM policy (see `SIMULATE_ENV`)."""
    return os.environ.get(SIMULATE_ENV, "").strip().lower() not in ("0", "false", "no", "off")


def profile_settings(config_class: type[Config], profile_name: str) -> dict[str, str]:
    """What the bots of an instance are configured with: the `QALX_USER_*` (or `QALX_BOT_*`)
    variables of this environment, then the profile's section of `~/.qalx` (`~/.bots`) over
    them, as a session of this machine reads them; so remote bots get what local ones do.
    No file, or no such section, leaves the environment alone."""
    found = {
        key.removeprefix(config_class.key_prefix): value
        for key, value in os.environ.items()
        if key.startswith(config_class.key_prefix)
    }
    with contextlib.suppress(QalxConfigFileNotFound, QalxConfigProfileNotFound):
        found.update(config_class._load_inifile(profile_name))
    return found


def _boto_profile(aws_profile: str | None) -> str | None:
    """`default` (the CLI's default) is boto3's default chain, which needs no config file and
    honours AWS_PROFILE and the AWS_* keys; any other name must be a configured profile."""
    return None if aws_profile in (None, "", "default") else aws_profile


@dataclass
class _Stack:
    """One stack to build: its AWS side, names, and sectors (name → plan mapping)."""

    stacks: AwsStacks
    ident: AwsStackId
    sectors: dict[str, Mapping[str, Any]]
    windows: set[str]


class AwsProvider:
    """The `aws` sectors of a stage (runtime-contract §6.5): one CloudFormation stack per
    (AWS profile, region), one instance per sector, each instance bootstrapping its bots with
    `qalx factory-bootstrap`. The build returns once every bot has registered with the API.

    Recorded under `qalx.aws`: the AWS profile, each sector's stack id and region (the
    entity's `stacks` holds the ids too, as pyqalx has it)."""

    kind = "aws"
    poll_interval: float = 10.0
    """Seconds between looks at a stack, and at the API for the bots."""
    stack_timeout: float = 3600.0
    register_timeout: float = 300.0
    """How long, after its stacks are complete (every instance signalled its bots started),
    the build waits for the bots to register with the API."""

    def __init__(self, simulate: bool | None = None) -> None:
        self.simulate = simulate_by_default() if simulate is None else simulate
        self._lock = threading.Lock()

    def _stacks(self, aws_profile: str | None, region: str | None) -> AwsStacks:
        return AwsStacks(_boto_profile(aws_profile), region, self.poll_interval, self.stack_timeout)

    # -- build -----------------------------------------------------------------------------
    def build(self, context: Context, sectors: Sequence[Sector]) -> None:
        plan = context.plan
        factory = plan.get("factory") or {}
        name = str(factory.get("name") or context.factory.get("name"))
        demolish_on_failure = (factory.get("debug") or {}).get("demolish_on_failure") is not False
        by_region: dict[str, _Stack] = {}
        for sector in sectors:
            stacks = self._stacks(context.aws_profile, sector.settings.get("region_name"))
            if stacks.region not in by_region:
                ident = AwsStackId(
                    name,
                    context.factory_guid,
                    context.stage,
                    _boto_profile(context.aws_profile),
                    stacks.region,
                )
                by_region[stacks.region] = _Stack(stacks, ident, {}, set())
            by_region[stacks.region].sectors[sector.name] = sector.settings
        for stack in by_region.values():  # every check before any stack is made
            stack.windows = stack.stacks.check(stack.sectors, simulate=self.simulate)
        user = profile_settings(UserConfig, context.user_profile)
        bot = profile_settings(BotConfig, context.bot_profile)
        if not user.get("TOKEN"):
            raise QalxFactoryBuildError(
                f"the instances' bots need a TOKEN: none in the user profile"
                f" {context.user_profile!r} nor in QALX_USER_TOKEN"
            )
        rendered = {
            region: render_template(plan, stack.ident, stack.sectors, user, bot, stack.windows)
            for region, stack in by_region.items()
        }
        record: dict[str, Any] = {
            "aws_profile": _boto_profile(context.aws_profile),
            "stacks": {},
            "regions": {},
        }

        def created(stack: _Stack, stack_id: str) -> None:
            """Recorded at once: a build that fails from here on can delete it."""
            with self._lock:
                for sector in stack.sectors:
                    record["stacks"][sector] = stack_id
                    record["regions"][sector] = stack.ident.region
                context.factory["stacks"] = dict(record["stacks"])
                context.record(self.kind, record)
            context.progress(f"stack {stack.ident.stack_name} created: {stack_id}")

        def create(region: str) -> str:
            stack = by_region[region]
            return stack.stacks.create(
                context.session,
                rendered[region],
                stack.ident,
                demolish_on_failure,
                on_created=lambda stack_id: created(stack, stack_id),
            )

        failures: list[str] = []
        with ThreadPoolExecutor(STACK_WORKERS, thread_name_prefix="qalx-stack") as pool:
            futures = {pool.submit(create, region): region for region in by_region}
            for future in as_completed(futures):
                try:
                    stack_id = future.result()
                except Exception as exc:
                    failures.append(str(exc) if isinstance(exc, QalxFactoryError) else
                                    f"{type(exc).__name__}: {exc}")  # fmt: skip
                    for other in futures:
                        other.cancel()  # not started yet: never made
                    continue
                context.progress(f"stack {stack_id} complete")
        if failures:
            # what was made is in the record: the build's demolish deletes it (or keeps it,
            # with the plan's debug.demolish_on_failure false)
            raise QalxFactoryBuildError("\n".join(["creating the stacks failed:", *failures]))
        self._wait_registered(context, [b.name for s in sectors for b in s.bots])

    def _wait_registered(self, context: Context, names: list[str]) -> None:
        wanted = set(names)
        up: set[str] = set()
        deadline = time.monotonic() + self.register_timeout
        while True:
            for name in sorted(wanted - up):
                if registered(context.session, context.factory_guid, name):
                    up.add(name)
                    context.progress(f"bot {name}: up")
            if up == wanted:
                return
            if time.monotonic() > deadline:
                raise QalxFactoryBuildError(
                    f"bots not registered {self.register_timeout:.0f} s after their stacks"
                    f" were complete: {', '.join(sorted(wanted - up))} (each instance's"
                    f" /tmp/{BOOTSTRAP_LOG} says why)"
                )
            time.sleep(min(self.poll_interval, 1.0))

    # -- demolish --------------------------------------------------------------------------
    def wait_stopped(
        self, context: Context, record: Mapping[str, Any], names: Sequence[str], timeout: float
    ) -> list[str]:
        """Until every worker of the bots `names` shows the terminate signal, as pyqalx
        waits (the instance's processes cannot be seen from here; deleting the stack ends
        them anyway); the names of bots with a worker still without it."""
        from qalx.signals import QalxSignal

        deadline = time.monotonic() + timeout
        while True:
            left = sorted(
                {
                    name
                    for name in names
                    for bot in context.session.bot.find_all(
                        bot_query(context.factory_guid, name), include_session_tags=False
                    )
                    if any(not QalxSignal(worker).terminate for worker in bot.workers or [])
                }
            )
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(min(self.poll_interval, 1.0))

    def demolish(self, context: Context, record: Mapping[str, Any]) -> None:
        """Delete every recorded stack (termination protection off first), a few at a time;
        every failure is named in one `QalxFactoryDemolishError`."""
        stacks: Mapping[str, str] = record.get("stacks") or {}
        regions: Mapping[str, str] = record.get("regions") or {}
        ids = {stack_id: regions.get(sector) for sector, stack_id in stacks.items()}
        profile = record.get("aws_profile")

        def delete(stack_id: str) -> None:
            self._stacks(profile, ids[stack_id] or _arn_region(stack_id)).delete(stack_id)
            context.progress(f"stack {stack_id} deleted")

        failures: list[str] = []
        with ThreadPoolExecutor(STACK_WORKERS, thread_name_prefix="qalx-stack") as pool:
            for future in as_completed([pool.submit(delete, stack_id) for stack_id in ids]):
                try:
                    future.result()
                except Exception as exc:
                    failures.append(str(exc) if isinstance(exc, QalxFactoryError) else
                                    f"{type(exc).__name__}: {exc}")  # fmt: skip
        if failures:
            raise QalxFactoryDemolishError("\n".join(["deleting the stacks failed:", *failures]))


def _arn_region(stack_id: str) -> str | None:
    """The region of a stack id (`arn:aws:cloudformation:<region>:...`)."""
    parts = stack_id.split(":")
    return parts[3] if len(parts) > 3 and parts[0] == "arn" else None


__all__ = [
    "REQUIRED_ACTIONS",
    "AwsProvider",
    "AwsStackId",
    "AwsStacks",
    "RenderedStack",
    "render_template",
]
