"""CLI sub-commands of the workflow: users, the reopen step and the write-back drain."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
import time

from triage.accounts.roles import Role

logger = logging.getLogger(__name__)


def _read_password(args: argparse.Namespace) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise SystemExit("error: the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users_create(args: argparse.Namespace) -> int:
    """Create a user; the password comes from standard input (never from the command line)."""
    from triage.accounts.users import create_user
    from triage.audit import Actor
    from triage.store.db import get_migrated_engine

    password = _read_password(args)
    with get_migrated_engine().begin() as db:
        user = create_user(
            db=db,
            actor=Actor.system("cli"),
            username=args.username,
            password=password,
            role=Role(args.role),
            display_name=args.display_name,
        )
    print(json.dumps({"user_id": user.user_id, "username": user.username, "role": str(user.role)}))
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    """Run the reopen step (also run by `triage build` and the Dagster asset)."""
    from triage.store.db import get_migrated_engine
    from triage.workflow.reopen import reopen_alerts

    with get_migrated_engine().begin() as db:
        result = reopen_alerts(db=db)
    print(json.dumps({"recurred": len(result.recurred), "expired": len(result.expired)}))
    return 0


def cmd_writeback_drain(args: argparse.Namespace) -> int:
    """Drain the Security Hub write-back outbox once, or every `--every` seconds."""
    from triage.store.db import get_migrated_engine
    from triage.writeback.drain import drain_outbox

    engine = get_migrated_engine()
    while True:
        if not args.every:
            result = drain_outbox(engine=engine)
            print(json.dumps(vars(result)), flush=True)
            return 0
        # As a worker, one failed drain is logged and retried on the next round: the items
        # stay queued, and the API and dashboards beside it keep serving.
        try:
            result = drain_outbox(engine=engine)
            print(json.dumps(vars(result)), flush=True)
        except Exception:
            logger.exception("write-back drain failed; retrying in %ss", args.every)
        time.sleep(args.every)


def add_workflow_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `users create`, `reopen` and `writeback drain`."""
    users = sub.add_parser("users", help="manage users").add_subparsers(dest="users", required=True)
    create = users.add_parser("create", help="create a user; the password is read from stdin")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=[str(role) for role in Role])
    create.add_argument("--display-name", default=None)
    create.set_defaults(func=cmd_users_create)

    sub.add_parser("reopen", help="reopen recurring alerts, end expired suppressions").set_defaults(
        func=cmd_reopen
    )

    writeback = sub.add_parser("writeback", help="Security Hub write-back").add_subparsers(
        dest="writeback", required=True
    )
    drain = writeback.add_parser("drain", help="send queued status changes to Security Hub")
    drain.add_argument("--every", type=float, default=0, help="repeat every N seconds")
    drain.set_defaults(func=cmd_writeback_drain)
