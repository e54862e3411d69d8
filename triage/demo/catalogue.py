"""What the demo findings say: Security Hub controls, GuardDuty types, CVEs, Macie types."""

from __future__ import annotations

from dataclasses import dataclass

FSBP = "aws-foundational-security-best-practices/v/1.0.0"
CIS = "cis-aws-foundations-benchmark/v/1.2.0"
PCI = "pci-dss/v/3.2.1"

SEVERITY_NORMALIZED = {"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 40, "HIGH": 70, "CRITICAL": 90}


@dataclass(frozen=True)
class Control:
    """A Security Hub control and the id it has in each standard that includes it."""

    control_id: str
    title: str
    description: str
    severity: str
    target: str  # which estate resources it evaluates: account, bucket, group, user, trail
    standards: tuple[tuple[str, str], ...]  # (standard, control id in that standard)
    fails_for: tuple[str, ...] = ()  # resource kinds that fail it; empty: chosen at random


CONTROLS = (
    Control(
        "S3.1",
        "S3 general purpose buckets should have block public access settings enabled",
        "This control checks whether the preceding Amazon S3 block public access settings are "
        "configured at the account level.",
        "MEDIUM",
        "account",
        ((FSBP, "S3.1"), (PCI, "PCI.S3.6")),
    ),
    Control(
        "S3.8",
        "S3 general purpose buckets should block public access",
        "This control checks whether an Amazon S3 general purpose bucket blocks public access "
        "at the bucket level.",
        "HIGH",
        "bucket",
        ((FSBP, "S3.8"),),
        ("web-assets", "customer-exports"),
    ),
    Control(
        "S3.2",
        "S3 general purpose buckets should block public read access",
        "This control checks whether an Amazon S3 general purpose bucket permits public read "
        "access.",
        "CRITICAL",
        "bucket",
        ((FSBP, "S3.2"), (PCI, "PCI.S3.2")),
        ("web-assets",),
    ),
    Control(
        "EC2.19",
        "Security groups should not allow unrestricted access to ports with high risk",
        "This control checks whether unrestricted incoming traffic for a security group is "
        "accessible to the specified ports that are considered to be high risk.",
        "CRITICAL",
        "group",
        ((FSBP, "EC2.19"),),
        ("open_rdp", "open_web"),
    ),
    Control(
        "EC2.13",
        "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22",
        "This control checks whether a security group allows unrestricted ingress to port 22.",
        "HIGH",
        "group",
        ((FSBP, "EC2.13"), (CIS, "4.1"), (PCI, "PCI.EC2.5")),
        ("open_ssh",),
    ),
    Control(
        "EC2.14",
        "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389",
        "This control checks whether a security group allows unrestricted ingress to port 3389.",
        "HIGH",
        "group",
        ((CIS, "4.2"),),
        ("open_rdp",),
    ),
    Control(
        "EC2.2",
        "VPC default security groups should not allow inbound or outbound traffic",
        "This control checks whether the default security group of a VPC allows traffic.",
        "HIGH",
        "group",
        ((FSBP, "EC2.2"), (CIS, "4.3"), (PCI, "PCI.EC2.2")),
        ("default",),
    ),
    Control(
        "IAM.3",
        "IAM users' access keys should be rotated every 90 days or less",
        "This control checks whether active access keys are rotated within 90 days.",
        "MEDIUM",
        "user",
        ((FSBP, "IAM.3"), (CIS, "1.4")),
        ("service",),
    ),
    Control(
        "IAM.4",
        "IAM root user access key should not exist",
        "This control checks whether the root user access key is available.",
        "CRITICAL",
        "account",
        ((FSBP, "IAM.4"), (CIS, "1.12"), (PCI, "PCI.IAM.1")),
    ),
    Control(
        "IAM.5",
        "MFA should be enabled for all IAM users that have a console password",
        "This control checks whether multi-factor authentication is enabled for IAM users "
        "that use a console password.",
        "MEDIUM",
        "user",
        ((FSBP, "IAM.5"), (CIS, "1.2")),
        ("console",),
    ),
    Control(
        "CloudTrail.1",
        "CloudTrail should be enabled and configured with at least one multi-Region trail "
        "that includes read and write management events",
        "This control checks whether there is at least one multi-Region CloudTrail trail "
        "that captures read and write management events.",
        "HIGH",
        "account",
        ((FSBP, "CloudTrail.1"), (CIS, "2.1"), (PCI, "PCI.CloudTrail.2")),
    ),
    Control(
        "CloudTrail.2",
        "CloudTrail should have encryption at-rest enabled",
        "This control checks whether CloudTrail is configured to use server-side encryption "
        "with KMS keys.",
        "MEDIUM",
        "trail",
        ((FSBP, "CloudTrail.2"), (CIS, "2.7"), (PCI, "PCI.CloudTrail.1")),
    ),
)

# (finding type, ASFF Types entry, target, GuardDuty severity, title template)
GUARDDUTY_TYPES = (
    (
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "TTPs/Initial Access/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS",
        "instance",
        8.0,
        "Credentials for the EC2 instance role {name} were used from a remote AWS account.",
    ),
    (
        "Recon:EC2/PortProbeUnprotectedPort",
        "TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort",
        "instance",
        2.0,
        "Unprotected port on EC2 instance {name} is being probed.",
    ),
    (
        "UnauthorizedAccess:EC2/SSHBruteForce",
        "TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce",
        "instance",
        5.0,
        "{name} is performing SSH brute force attacks.",
    ),
    (
        "Policy:IAMUser/RootCredentialUsage",
        "TTPs/Policy:IAMUser-RootCredentialUsage",
        "account",
        2.0,
        "API ListBuckets was invoked using root credentials.",
    ),
)

# (CVE, package, installed version, fixed version, CVSS 3.1 score, vector)
CVES = (
    ("CVE-2023-38545", "curl", "7.88.1-10", "7.88.1-10+deb12u4", 9.8, "AV:N/AC:L/PR:N/UI:N/S:U"),
    ("CVE-2023-4863", "libwebp", "1.2.4-0.1", "1.2.4-0.2+deb12u1", 8.8, "AV:N/AC:L/PR:N/UI:R/S:U"),
    (
        "CVE-2024-3094",
        "xz-utils",
        "5.6.0-0.1",
        "5.6.1+really5.4.5-1",
        10.0,
        "AV:N/AC:L/PR:N/UI:N/S:C",
    ),
    ("CVE-2023-44487", "nghttp2", "1.52.0-1", "1.52.0-1+deb12u1", 7.5, "AV:N/AC:L/PR:N/UI:N/S:U"),
    ("CVE-2022-3602", "openssl", "3.0.5-4", "3.0.7-1", 7.5, "AV:N/AC:L/PR:N/UI:N/S:U"),
    ("CVE-2023-5678", "openssl", "3.0.11-1", "3.0.13-1", 5.3, "AV:N/AC:L/PR:N/UI:N/S:U"),
    (
        "CVE-2024-6387",
        "openssh-server",
        "9.2p1-2",
        "9.2p1-2+deb12u3",
        8.1,
        "AV:N/AC:H/PR:N/UI:N/S:U",
    ),
    ("CVE-2022-40674", "expat", "2.4.8-1", "2.4.9-1", 9.8, "AV:N/AC:L/PR:N/UI:N/S:U"),
    ("CVE-2023-29491", "ncurses", "6.4-2", "6.4-4", 7.8, "AV:L/AC:L/PR:L/UI:N/S:U"),
    ("CVE-2021-44228", "log4j-core", "2.14.1", "2.17.1", 10.0, "AV:N/AC:L/PR:N/UI:N/S:C"),
)

# (finding type, ASFF Types entry, bucket kinds it appears on, severity, title)
MACIE_TYPES = (
    (
        "SensitiveData:S3Object/Financial",
        "Sensitive Data Identifications/Financial/SensitiveData:S3Object-Financial",
        ("payments-logs",),
        "HIGH",
        "The S3 object contains financial information.",
    ),
    (
        "SensitiveData:S3Object/Personal",
        "Sensitive Data Identifications/PII/SensitiveData:S3Object-Personal",
        ("customer-exports", "data-lake-raw"),
        "MEDIUM",
        "The S3 object contains personal information.",
    ),
)


def cvss_label(score: float) -> str:
    """Return the ASFF severity label for a CVSS base score."""
    if score >= 9.0:
        return "CRITICAL"
    if score >= 7.0:
        return "HIGH"
    if score >= 4.0:
        return "MEDIUM"
    return "LOW" if score > 0 else "INFORMATIONAL"


def guardduty_label(score: float) -> str:
    """Return the ASFF severity label for a GuardDuty severity (1 to 8.9)."""
    if score >= 7.0:
        return "HIGH"
    if score >= 4.0:
        return "MEDIUM"
    return "LOW"
