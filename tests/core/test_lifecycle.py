"""Every (from, to, role) combination of the report lifecycle, against the table."""

from __future__ import annotations

import itertools

import pytest

from core.reports.lifecycle import (
    TRANSITIONS,
    Forbidden,
    IllegalTransition,
    MissingDetail,
    Move,
    check,
)
from core.reports.models import Report, Status
from core.staff.models import Role, Staff

WORKER = Staff(id=7, name="w", role=Role.WORKER, ward="w1")


def report_in(status: Status, ward: str = "w1") -> Report:
    report = Report(id=1, ref="WN-TEST", status=status, ward=ward)
    report.assignee_id = WORKER.id  # unsaved rows: set the key, not the relation
    return report


def complete_move(to: Status) -> Move:
    """A move carrying whatever its target needs, so only legality and role are tested."""
    return Move(to, photo_key="b" * 64 + ".jpg",
                assignee=WORKER if to == Status.ASSIGNED else None,
                duplicate_of=Report(id=2, ref="WN-ORIG") if to == Status.DUPLICATE else None)


@pytest.mark.parametrize(("start", "end", "role"), list(
    itertools.product(Status, Status, Role)))
def test_a_move_is_allowed_exactly_when_the_table_says_so(
        start: Status, end: Status, role: Role) -> None:
    actor = WORKER if role == Role.WORKER else Staff(id=9, name="s", role=role, ward="w1")
    allowed = TRANSITIONS.get((start, end))
    if allowed is None:
        with pytest.raises(IllegalTransition):
            check(report_in(start), actor, complete_move(end))
    elif role not in allowed:
        with pytest.raises(Forbidden):
            check(report_in(start), actor, complete_move(end))
    else:
        check(report_in(start), actor, complete_move(end))


def test_a_green_champion_moderates_only_their_own_ward() -> None:
    champion = Staff(id=3, name="g", role=Role.GREEN_CHAMPION, ward="w1")
    with pytest.raises(Forbidden):
        check(report_in(Status.REPORTED, ward="w2"), champion, Move(Status.VERIFIED))


def test_a_worker_moves_only_reports_assigned_to_them() -> None:
    other = Staff(id=8, name="o", role=Role.WORKER)
    with pytest.raises(Forbidden):
        check(report_in(Status.ASSIGNED), other, complete_move(Status.COLLECTED))


@pytest.mark.parametrize(("status", "move"), [
    (Status.ASSIGNED, Move(Status.COLLECTED)),  # no proof photo
    (Status.VERIFIED, Move(Status.ASSIGNED)),  # no worker
    (Status.REPORTED, Move(Status.DUPLICATE)),  # no original
    (Status.ASSIGNED, Move(Status.IN_PROGRESS, assignee=WORKER)),  # a worker, not assigning
    (Status.VERIFIED, Move(Status.ASSIGNED, assignee=Staff(id=5, name="x", role=Role.WORKER,
                                                            active=False))),  # inactive
    (Status.REPORTED, Move(Status.DUPLICATE, duplicate_of=Report(
        id=2, ref="WN-DONE", status=Status.RESOLVED))),  # the original is closed
])
def test_a_move_missing_its_detail_is_refused(status: Status, move: Move) -> None:
    admin = Staff(id=1, name="a", role=Role.ADMIN)
    with pytest.raises(MissingDetail):
        check(report_in(status), admin, move)
