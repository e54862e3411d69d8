"""How each kind of labelled incident is written as ASFF findings (see triage.demo.incidents)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from triage.demo.catalogue import CIS, CONTROLS, CVES, FSBP, PCI, SEVERITY_NORMALIZED, cvss_label

_STANDARD_IDS = {FSBP: f"standards/{FSBP}", CIS: f"ruleset/{CIS}", PCI: f"standards/{PCI}"}
_STD_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards/"
_CVE_TYPE = "Software and Configuration Checks/Vulnerabilities/CVE"

# (GuardDuty type, ASFF type, resource kind, severity label, title template)
CHAIN_STEPS = (
    (
        "UnauthorizedAccess:IAMUser/MaliciousIPCaller",
        "TTPs/Initial Access/UnauthorizedAccess:IAMUser-MaliciousIPCaller",
        "key",
        "MEDIUM",
        "API calls were made from a known malicious IP address with access key {key}.",
    ),
    (
        "Discovery:S3/MaliciousIPCaller",
        "TTPs/Discovery/Discovery:S3-MaliciousIPCaller",
        "bucket",
        "MEDIUM",
        "S3 bucket {bucket} was listed from a known malicious IP address.",
    ),
    (
        "Exfiltration:S3/AnomalousBehavior",
        "TTPs/Exfiltration/Exfiltration:S3-AnomalousBehavior",
        "bucket",
        "HIGH",
        "Objects of S3 bucket {bucket} were read in an anomalous way.",
    ),
    (
        "Persistence:IAMUser/AnomalousBehavior",
        "TTPs/Persistence/Persistence:IAMUser-AnomalousBehavior",
        "key",
        "MEDIUM",
        "A new access key was created in an anomalous way by {principal}.",
    ),
    (
        "Backdoor:EC2/C&CActivity.B",
        "TTPs/Command and Control/Backdoor:EC2-C&CActivity.B",
        "instance",
        "HIGH",
        "EC2 instance {instance} is querying an IP address associated with a command server.",
    ),
)


class Builder:
    """Collects findings and their labels while the incident kinds write them."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.findings: list[dict[str, Any]] = []
        self.labels: dict[tuple[str, str], str] = {}
        self.serial = 0

    def hexid(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def ip(self) -> str:
        return (
            f"{self.rng.choice(('198.51.100', '203.0.113', '192.0.2'))}.{self.rng.randint(2, 254)}"
        )

    def add(self, incident: str, **fields: Any) -> None:
        self.serial += 1
        account, region, when = fields.pop("account"), fields.pop("region"), fields.pop("when")
        product = fields.pop("product")
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        product_arn = f"arn:aws:securityhub:{region}::product/aws/{product}"
        finding_id = fields.pop("finding_id", None) or (
            f"arn:aws:{product}:{region}:{account}:finding/{self.hexid(24)}{self.serial:08d}"
        )
        label = fields.pop("label")
        finding = {
            "SchemaVersion": "2018-10-08",
            "Id": finding_id,
            "ProductArn": product_arn,
            "AwsAccountId": account,
            "Region": region,
            "CreatedAt": stamp,
            "UpdatedAt": stamp,
            "FirstObservedAt": stamp,
            "LastObservedAt": stamp,
            "Severity": {"Label": label, "Normalized": SEVERITY_NORMALIZED[label]},
            "Workflow": {"Status": "NEW"},
            "RecordState": "ACTIVE",
            **fields,
        }
        self.findings.append(finding)
        self.labels[(product_arn, finding_id)] = incident

    def resource(self, kind: str, account: str, region: str, name: str) -> dict[str, Any]:
        if kind == "bucket":
            return {"Type": "AwsS3Bucket", "Id": f"arn:aws:s3:::{name}", "Region": region}
        if kind == "instance":
            arn = f"arn:aws:ec2:{region}:{account}:instance/{name}"
            return {"Type": "AwsEc2Instance", "Id": arn, "Region": region}
        if kind == "key":
            return {"Type": "AwsIamAccessKey", "Id": name, "Region": region}
        if kind == "group":
            arn = f"arn:aws:ec2:{region}:{account}:security-group/{name}"
            return {"Type": "AwsEc2SecurityGroup", "Id": arn, "Region": region}
        return {"Type": "AwsAccount", "Id": f"AWS::::Account:{account}", "Region": region}


def attack_chain(b: Builder, incident: str, account: str, region: str, start: datetime) -> None:
    """One actor touching an access key, a bucket and an instance within hours."""
    ip, key = b.ip(), f"AKIA{b.hexid(16).upper()}"
    principal = f"arn:aws:iam::{account}:user/svc-{b.hexid(6)}"
    names = {"bucket": f"data-{b.hexid(10)}", "instance": f"i-0{b.hexid(16)}", "key": key}
    steps = b.rng.sample(CHAIN_STEPS, b.rng.randint(3, len(CHAIN_STEPS)))
    when = start
    for gd_type, asff_type, target, label, template in steps:
        when += timedelta(minutes=b.rng.randint(3, 50))
        title = template.format(
            key=key, bucket=names["bucket"], principal=principal, instance=names["instance"]
        )
        b.add(
            incident,
            account=account,
            region=region,
            when=when,
            product="guardduty",
            label=label,
            ProductName="GuardDuty",
            CompanyName="Amazon",
            GeneratorId=f"arn:aws:guardduty:{region}:{account}:detector/{b.hexid(32)}",
            Types=[asff_type],
            Title=title,
            Description=f"GuardDuty {gd_type}: {principal} called from {ip}.",
            Resources=[b.resource(target, account, region, names[target])],
        )
    if b.rng.random() < 0.7:  # Macie then finds the data the actor read
        when += timedelta(minutes=b.rng.randint(20, 120))
        b.add(
            incident,
            account=account,
            region=region,
            when=when,
            product="macie",
            label="HIGH",
            ProductName="Macie",
            CompanyName="Amazon",
            GeneratorId="macie",
            Types=["Sensitive Data Identifications/PII/SensitiveData:S3Object-Personal"],
            Title="The S3 object contains personal information.",
            Description=f"An object of s3://{names['bucket']} contains email addresses.",
            Resources=[b.resource("bucket", account, region, names["bucket"])],
        )


def _control_finding(
    b: Builder,
    incident: str,
    control: Any,
    account: str,
    region: str,
    when: datetime,
    resource: dict[str, Any],
) -> None:
    for standard, local_id in control.standards:
        hub = f"arn:aws:securityhub:{region}:{account}"
        b.add(
            incident,
            account=account,
            region=region,
            when=when,
            product="securityhub",
            finding_id=f"{hub}:subscription/{standard}/{local_id}/finding/{b.hexid(32)}",
            label=control.severity,
            ProductName="Security Hub",
            CompanyName="AWS",
            GeneratorId=f"{standard}/{local_id}",
            Types=[_STD_TYPE + standard.split("/")[0]],
            Title=control.title,
            Description=control.description,
            Resources=[dict(resource)],
            Compliance={
                "Status": "FAILED",
                "SecurityControlId": control.control_id,
                "AssociatedStandards": [{"StandardsId": _STANDARD_IDS[standard]}],
            },
        )


def misconfiguration(
    b: Builder,
    incident: str,
    control: Any,
    account: str,
    regions: Sequence[str],
    start: datetime,
) -> None:
    """One control failing in several regions, reported under each of its standards."""
    kind = {"bucket": "bucket", "group": "group"}.get(control.target, "account")
    chosen = b.rng.sample(list(regions), b.rng.randint(2, len(regions)))
    for region in chosen:
        when = start + timedelta(minutes=b.rng.randint(0, 240))
        for _ in range(b.rng.randint(1, 3) if kind != "account" else 1):
            name = f"{kind}-{b.hexid(10)}" if kind == "bucket" else f"sg-0{b.hexid(16)}"
            resource = b.resource(kind, account, region, name)
            _control_finding(b, incident, control, account, region, when, resource)


def cve(
    b: Builder,
    incident: str,
    account: str,
    regions: Sequence[str],
    start: datetime,
    cve_id: str,
) -> None:
    """One CVE on many instances of one account over three days."""
    _known, package, installed, fixed, score, _vector = b.rng.choice(CVES)
    for _ in range(b.rng.randint(5, 30)):
        region = b.rng.choice(list(regions))
        instance = f"i-0{b.hexid(16)}"
        when = start + timedelta(hours=b.rng.uniform(0, 72))
        b.add(
            incident,
            account=account,
            region=region,
            when=when,
            product="inspector",
            label=cvss_label(score),
            ProductName="Inspector",
            CompanyName="Amazon",
            GeneratorId="AWSInspector",
            Types=[_CVE_TYPE],
            Title=f"{cve_id} - {package}",
            Description=f"{cve_id}: a vulnerability in {package} {installed} on {instance}; "
            f"fixed in {fixed}.",
            Resources=[b.resource("instance", account, region, instance)],
        )


def noise(b: Builder, incident: str, account: str, region: str, start: datetime) -> None:
    """One alert that reads like another kind but shares no account, actor, CVE or resource."""
    choice = b.rng.randrange(3)
    if choice == 0:
        gd_type, asff_type, target, label, template = b.rng.choice(CHAIN_STEPS)
        names = {
            "bucket": f"data-{b.hexid(10)}",
            "instance": f"i-0{b.hexid(16)}",
            "key": f"AKIA{b.hexid(16).upper()}",
        }
        principal = f"arn:aws:iam::{account}:user/svc-{b.hexid(6)}"
        title = template.format(
            key=names["key"],
            bucket=names["bucket"],
            principal=principal,
            instance=names["instance"],
        )
        b.add(
            incident,
            account=account,
            region=region,
            when=start,
            product="guardduty",
            label=label,
            ProductName="GuardDuty",
            CompanyName="Amazon",
            GeneratorId=f"arn:aws:guardduty:{region}:{account}:detector/{b.hexid(32)}",
            Types=[asff_type],
            Title=title,
            Description=f"GuardDuty {gd_type}: {principal} called from {b.ip()}.",
            Resources=[b.resource(target, account, region, names[target])],
        )
    elif choice == 1:
        _cve_id, package, installed, fixed, score, _vector = b.rng.choice(CVES)
        cve_id = f"CVE-{b.rng.randint(2019, 2025)}-{b.rng.randint(1000, 9999)}"
        instance = f"i-0{b.hexid(16)}"
        b.add(
            incident,
            account=account,
            region=region,
            when=start,
            product="inspector",
            label=cvss_label(score),
            ProductName="Inspector",
            CompanyName="Amazon",
            GeneratorId="AWSInspector",
            Types=[_CVE_TYPE],
            Title=f"{cve_id} - {package}",
            Description=f"{cve_id}: a vulnerability in {package} {installed} on {instance}; "
            f"fixed in {fixed}.",
            Resources=[b.resource("instance", account, region, instance)],
        )
    else:
        control = b.rng.choice(CONTROLS)
        resource = b.resource("bucket", account, region, f"noise-{b.hexid(10)}")
        # A one-off: the control's text on a resource kind it never evaluates, under a
        # control id of its own, so only the words match other incidents.
        one_off = type(control)(
            control_id=f"Custom.{b.hexid(6)}",
            title=control.title,
            description=control.description,
            severity=control.severity,
            target="bucket",
            standards=(control.standards[0],),
        )
        _control_finding(b, incident, one_off, account, region, start, resource)
