from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from satuatap.audit.models import AuditEvent
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import scoped


def audit_events_for(user, *, within: Unit | None = None) -> QuerySet[AuditEvent]:
    events = scoped(AuditEvent.objects.select_related("actor", "unit", "target_type"), user, "audit.view")
    if within is not None:
        events = events.filter(unit__path__startswith=within.path)
    return events


def audit_events_of(user, obj) -> QuerySet[AuditEvent]:
    return audit_events_for(user).filter(
        target_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), target_id=str(obj.pk)
    )


def audit_events_filtered(
    events: QuerySet[AuditEvent],
    *,
    tz,
    start: date | None = None,
    end: date | None = None,
    actor: int | None = None,
    kind: int | None = None,
    action: str = "",
) -> QuerySet[AuditEvent]:
    """The events narrowed by whole days from ``start`` to ``end`` (both included) in the time zone
    ``tz`` (the office's), by who acted, by the target's content type and by the action."""
    if start:
        events = events.filter(at__gte=datetime.combine(start, time.min, tzinfo=tz))
    if end:
        events = events.filter(at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))
    if actor:
        events = events.filter(actor_id=actor)
    if kind:
        events = events.filter(target_type_id=kind)
    if action:
        events = events.filter(action=action)
    return events


def audit_filter_choices(events: QuerySet[AuditEvent]) -> dict:
    """Who acted and on what kinds of object in these (already scoped) events, for the filters'
    selects: two queries, whatever the trail's length."""
    plain = events.order_by()
    users = get_user_model().objects.filter(pk__in=plain.values("actor_id")).order_by("username")
    kinds = ContentType.objects.filter(pk__in=plain.values("target_type_id"))
    kind_choices = sorted(
        ((ct.pk, _kind_label(ct)) for ct in kinds),
        key=lambda choice: choice[1].lower(),
    )
    return {"actors": [(u.pk, str(u)) for u in users], "kinds": kind_choices}


def _kind_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    label = str(model._meta.verbose_name) if model else content_type.model
    return label[:1].upper() + label[1:]
