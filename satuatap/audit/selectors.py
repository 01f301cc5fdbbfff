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
