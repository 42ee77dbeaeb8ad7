"""``govflow members`` and ``govflow member add|end``: who sits in which body, from when."""

from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import AppGroup, with_appcontext

from .cli_app import DatabaseCommand
from .cli_lazy import LazyChoice, LazyDefault
from .database import get_db


# The domain (workflows/) is imported when a command runs or shows its help, not for `govflow`
# to start: importing any of its modules imports SpiffWorkflow (workflows/__init__.py).
def _body_codes() -> list[str]:
    from workflows.bodies import BODIES

    return list(BODIES)


def _body_roles() -> tuple[str, ...]:
    from workflows.catalogue import BODY_ROLES

    return BODY_ROLES


def _member() -> str:
    from workflows.catalogue import MEMBER

    return MEMBER


body_option = click.option("--body", "code", required=True, type=LazyChoice(_body_codes),
                           help="The body's code.")
role_option = click.option("--role", default=LazyDefault(_member), show_default=True,
                           type=LazyChoice(_body_roles), help="The role in the body.")


class IsoDate(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


@click.command("members", cls=DatabaseCommand)
@with_appcontext
@click.option("--body", "code", type=LazyChoice(_body_codes), help="Only this body.")
@click.option("--on", "day", type=IsoDate(), help="Held on this day (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def members_command(code: str | None, day: date | None, as_json: bool) -> None:
    """Who is chair, secretary or member of each body."""
    from workflows import membership

    with get_db().reading() as session:
        rows = membership.memberships(session, code, day)
    if as_json:
        click.echo(json.dumps([membership.as_dict(m) for m in rows], indent=2,
                              ensure_ascii=False))
        return
    for m in rows:
        until = f" until {m.valid_until.isoformat()}" if m.valid_until else ""
        click.echo(f"{m.body:<28} {m.role:<11} {m.username:<32} "
                   f"from {m.valid_from.isoformat()}{until}")
    if not rows:
        click.echo("no members")


@click.group("member", cls=AppGroup)
def member_group() -> None:
    """Make someone chair, secretary or member of a body, or end it."""


@member_group.command("add")
@click.argument("username")
@body_option
@role_option
@click.option("--from", "valid_from", type=IsoDate(), help="First day (default: today).")
@click.option("--until", "valid_until", type=IsoDate(), help="Last day (default: no end).")
def member_add(username: str, code: str, role: str, valid_from: date | None,
               valid_until: date | None) -> None:
    """USERNAME becomes ROLE of the body."""
    from workflows import membership

    held = membership.add_member(get_db(), username, code, role, valid_from=valid_from,
                                 valid_until=valid_until, actor="cli")
    until = f" until {held.valid_until.isoformat()}" if held.valid_until else ""
    click.echo(f"{username} is {role} of {code} from {held.valid_from.isoformat()}{until}")


@member_group.command("end")
@click.argument("username")
@body_option
@role_option
@click.option("--last-day", type=IsoDate(), help="The last day it holds (default: today).")
def member_end(username: str, code: str, role: str, last_day: date | None) -> None:
    """USERNAME is ROLE of the body no longer after the last day."""
    from workflows import membership

    ended = membership.end_membership(get_db(), username, code, role, last_day=last_day,
                                      actor="cli")
    assert ended.valid_until is not None
    click.echo(f"{username} is {role} of {code} until {ended.valid_until.isoformat()}")
