"""Who acts next, and the work waiting for a user ("Pekerjaan saya").

Every app that keeps things waiting for someone (applications to assess or pay, ledger drafts to
approve) registers a *work source* here in its ``AppConfig.ready``: a function
``source(user, unit, limit) -> list[WorkItem]`` returning what waits, within ``unit``'s subtree,
for a role ``user`` holds there. Core knows no app: it only gathers, orders and cuts the lists.
The same apps describe who acts next on one of their records with a ``NextActor``, which the
``core/_next_actor.html`` component shows on the record's page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class NextActor:
    """Who acts next on a record: the role (its label), at which unit, doing what, and whether the
    user looking at the record may do it (``why_not`` says why not, when it is not only the role)."""

    role: str
    unit: Any
    action: str
    can_act: bool
    why_not: str = ""


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for the user: what kind, which one, where to act, since when, by when."""

    kind: str
    title: str
    url: str
    unit: Any
    waiting_since: date | datetime | None
    role: str
    action: str = ""
    due_on: date | None = None
    overdue: bool = False

    @property
    def since_day(self) -> date | None:
        value = self.waiting_since
        return value.date() if isinstance(value, datetime) else value


WorkSource = Callable[[Any, Any, int | None], list[WorkItem]]

WORK_SOURCES: list[WorkSource] = []


def register(source: WorkSource) -> None:
    """Add an app's work source (idempotent: ``ready`` may run more than once in tests)."""
    if source not in WORK_SOURCES:
        WORK_SOURCES.append(source)


def _order(item: WorkItem) -> tuple:
    since = item.since_day or date.max
    return (not item.overdue, item.due_on or date.max, since, item.title)


def waiting_for(user, unit, limit: int | None = None) -> list[WorkItem]:
    """What waits for ``user``'s roles within ``unit``'s subtree, overdue first, then by due date and
    age; at most ``limit`` items (None: all)."""
    if unit is None or not getattr(user, "is_authenticated", False):
        return []
    items: list[WorkItem] = []
    for source in WORK_SOURCES:
        items.extend(source(user, unit, limit))
    items.sort(key=_order)
    return items if limit is None else items[:limit]
