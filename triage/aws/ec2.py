"""EC2 security-group facts: tags and ingress rules open to the world."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from triage.aws.errors import error_code, translate

WORLD = {"0.0.0.0/0", "::/0"}


def describe_security_group(client: Any, group_id: str) -> dict[str, Any]:
    """Return the group's name, tags and the ingress rules open to 0.0.0.0/0 or ::/0."""
    try:
        groups = client.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    except ClientError as exc:
        if error_code(exc) == "InvalidGroup.NotFound":
            # The group is gone (deleted since the finding): a fact, not a failure.
            return {"tags": {}, "open_to_world": [], "group_name": None, "exists": False}
        raise translate(exc, f"ec2:DescribeSecurityGroups {group_id}") from exc
    except Exception as exc:
        raise translate(exc, f"ec2:DescribeSecurityGroups {group_id}") from exc
    if not groups:
        return {"tags": {}, "open_to_world": [], "group_name": None, "exists": False}
    group = groups[0]
    open_rules = []
    for permission in group.get("IpPermissions") or []:
        cidrs = {r.get("CidrIp") for r in permission.get("IpRanges") or []}
        cidrs |= {r.get("CidrIpv6") for r in permission.get("Ipv6Ranges") or []}
        for cidr in sorted(c for c in cidrs & WORLD if c):
            open_rules.append(
                {
                    "protocol": permission.get("IpProtocol"),
                    "from_port": permission.get("FromPort"),
                    "to_port": permission.get("ToPort"),
                    "cidr": cidr,
                }
            )
    return {
        "group_name": group.get("GroupName"),
        "tags": {t["Key"]: t.get("Value", "") for t in group.get("Tags") or []},
        "open_to_world": open_rules,
        "exists": True,
    }
