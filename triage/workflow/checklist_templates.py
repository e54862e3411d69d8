"""Checklist templates shipped for the common alert types, matched by control, type or product."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChecklistTemplate:
    """Steps to work one kind of alert; the first template whose rule matches is used."""

    template_id: str
    title: str
    control_ids: frozenset[str] = frozenset()
    type_prefixes: tuple[str, ...] = ()
    products: frozenset[str] = frozenset()
    steps: tuple[tuple[str, str], ...] = ()


def _steps(*items: str) -> tuple[tuple[str, str], ...]:
    return tuple((f"step-{number}", text) for number, text in enumerate(items, start=1))


# TODO: templates are shipped in code only; admins cannot add or edit them through the API
# yet, so a team that needs its own steps edits this module meanwhile.
TEMPLATES: tuple[ChecklistTemplate, ...] = (
    ChecklistTemplate(
        template_id="s3-public-bucket",
        title="Public S3 bucket",
        control_ids=frozenset({"S3.1", "S3.2", "S3.3", "S3.8", "S3.19"}),
        steps=_steps(
            "Confirm the bucket, its account and owner (tags) and whether it should be public",
            "List what is exposed: bucket policy, ACLs, access points, object ACLs",
            "Check server access logs or CloudTrail data events for reads from outside",
            "Enable S3 Block Public Access (bucket or account) or record why not",
            "Re-run the control check and confirm it passes",
        ),
    ),
    ChecklistTemplate(
        template_id="iam-key-exposure",
        title="IAM access key exposure",
        control_ids=frozenset({"IAM.3", "IAM.4", "IAM.8", "IAM.22"}),
        type_prefixes=("Effects/Data Exposure", "Unusual Behaviors/User"),
        steps=_steps(
            "Identify the key's user, its owner and where the key is used",
            "Review CloudTrail for the key's calls since it may have leaked",
            "Deactivate the key, then rotate it with the owner",
            "Remove unused keys and check the user's policies for excess permissions",
            "Record what was accessed and close or escalate",
        ),
    ),
    ChecklistTemplate(
        template_id="open-security-group",
        title="Security group open to the internet",
        control_ids=frozenset({"EC2.2", "EC2.13", "EC2.14", "EC2.18", "EC2.19", "EC2.53"}),
        steps=_steps(
            "Find the rules open to 0.0.0.0/0 or ::/0 and the ports they expose",
            "List the instances and interfaces using the group",
            "Confirm with the owner which sources really need access",
            "Replace the open rule with the needed sources only; keep compliant rules",
            "Re-describe the group and confirm only the open rule changed",
        ),
    ),
    ChecklistTemplate(
        template_id="guardduty-credential-misuse",
        title="GuardDuty credential misuse",
        type_prefixes=(
            "TTPs/Initial Access/UnauthorizedAccess:IAMUser",
            "TTPs/Credential Access",
            "Unusual Behaviors/User/UnauthorizedAccess",
            "TTPs/UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration",
        ),
        products=frozenset({"GuardDuty"}),
        steps=_steps(
            "Identify the principal, its session and the source IP addresses",
            "Check CloudTrail for what the credentials did and from where",
            "Revoke active sessions and deactivate or rotate the credentials",
            "Look for persistence: new users, keys, roles, policies or trust changes",
            "Decide true or false positive and record the evidence",
        ),
    ),
    ChecklistTemplate(
        template_id="package-cve",
        title="Vulnerable package (CVE)",
        type_prefixes=("Software and Configuration Checks/Vulnerabilities/CVE",),
        products=frozenset({"Inspector"}),
        steps=_steps(
            "Confirm the affected package, version and the fixed version",
            "Check exploitability: network reachability, known exploits, EPSS",
            "Patch or rebuild the image; or record a compensating control",
            "Confirm the next scan no longer reports the CVE",
        ),
    ),
)

GENERIC = ChecklistTemplate(
    template_id="generic",
    title="General triage",
    steps=_steps(
        "Confirm the affected resource and its owner",
        "Decide whether the finding is valid or a false positive",
        "Fix the cause or record the accepted risk with an expiry",
        "Confirm the fix (the control passes or the finding is archived)",
    ),
)


def match_template(
    *, security_control_id: str | None, types: list[str] | None, product_name: str | None
) -> ChecklistTemplate:
    """Return the template for an alert: by control id, then finding type, then product."""
    for template in TEMPLATES:
        if security_control_id and security_control_id in template.control_ids:
            return template
    for template in TEMPLATES:
        if any(t.startswith(prefix) for t in types or () for prefix in template.type_prefixes):
            return template
    for template in TEMPLATES:
        if product_name and product_name in template.products:
            return template
    return GENERIC
