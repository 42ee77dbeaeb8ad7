"""What diagram code may call: pure helpers everywhere, operators from service tasks only.

The helpers compute (dates, majorities, sub-regions) and run in the sandbox process. The
operators act in the step's transaction; each names the processes allowed to use it, and
deployment refuses any other use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.sandbox import Operator

from . import bodies
from .compliance import plan_extra_meeting
from .meeting_calendar import (
    end_of_day,
    papers_deadline,
    papers_reminder_at,
    quarter_of,
    reminder_before,
    year_of,
)
from .meeting_mail import announce_papers, invite_to_meeting, report_decisions
from .membership import meeting_invitees
from .notices import escalate, send_reminder
from .organisations import register_partner_operator
from .portfolio import change_portfolio_holders_operator, check_appointee, council_term_end_iso
from .subregions import delegation_covers, other_subregions, subregion_for

HELPERS: dict[str, Callable[..., Any]] = {
    # meeting and decision (DEC-1..DEC-6, MTG-5..MTG-7): workflows/bodies.py
    "body_name": bodies.body_name,
    "may_decide": bodies.may_decide,
    "escalation_target": bodies.escalation_target,
    "report_target": bodies.report_target,
    "majority_outcome": bodies.majority_outcome,
    "must_hear": bodies.must_hear,
    "written_input": bodies.written_input,
    "decision_outcome": bodies.decision_outcome,
    "decisions_report": bodies.decisions_report,
    "sent_in_time": bodies.sent_in_time,
    "chair_role": bodies.chair_role,
    # timer starts, due dates and reminders (BUD-6, REF-1, MTG-1..MTG-4): meeting_calendar.py
    "papers_deadline": papers_deadline,
    "papers_reminder_at": papers_reminder_at,
    "reminder_before": reminder_before,
    "end_of_day": end_of_day,
    "year_of": year_of,
    "quarter_of": quarter_of,
    "subregion_for": subregion_for,
    "other_subregions": other_subregions,
    "delegation_covers": delegation_covers,
    # portfolio_appointment (POR-1, POR-2):
    "council_term_end": council_term_end_iso,
}

_ANY = None
OPERATORS: dict[str, Operator] = {
    # Reads the database: which members a meeting invites, whether an appointee may be one.
    "meeting_invitees": Operator(meeting_invitees, _ANY),
    "check_appointee": Operator(check_appointee, _ANY),
    # Reminds the people of the instance's own open task (issue 4).
    "send_reminder": Operator(send_reminder, _ANY),
    # Changes who may do what, who is a partner, or starts or moves other work:
    "register_partner": Operator(register_partner_operator, frozenset({"member_admission"})),
    "change_portfolio_holders": Operator(change_portfolio_holders_operator,
                                         frozenset({"portfolio_appointment"})),
    "escalate": Operator(escalate, frozenset({"decision"})),
    # Invite to a meeting, announce its papers, report its decisions to the higher body.
    "invite_to_meeting": Operator(invite_to_meeting, frozenset({"meeting"})),
    "announce_papers": Operator(announce_papers, frozenset({"meeting"})),
    "report_decisions": Operator(report_decisions, frozenset({"meeting"})),
    "plan_extra_meeting": Operator(plan_extra_meeting, frozenset({"meeting_frequency"})),
}
