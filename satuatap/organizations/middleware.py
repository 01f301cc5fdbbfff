"""Puts the user's active membership on the request and shows times in its unit's zone."""

from django.utils import timezone

from satuatap.organizations.permissions import active_memberships

SESSION_KEY = "satuatap_active_membership"


def active_membership(request):
    memberships = active_memberships(request.user)
    if not memberships:
        return None
    wanted = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.pk == wanted:
            return membership
    return memberships[0]


class ActiveUnitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = active_membership(request) if request.user.is_authenticated else None
        request.active_membership = membership
        request.active_unit = membership.unit if membership else None
        if membership:
            timezone.activate(membership.unit.tzinfo)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
