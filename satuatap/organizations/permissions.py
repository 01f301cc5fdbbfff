"""What each role may do. A role held on a unit applies to its whole subtree."""

from django.utils.translation import gettext as _

from satuatap.core.errors import NotAllowed
from satuatap.organizations.models import Role, Unit

ALL_ROLES = frozenset(Role.values)

CAPABILITIES: dict[str, frozenset[str]] = {
    "unit.view": ALL_ROLES,
    "unit.manage": frozenset({Role.ADMIN}),
    "membership.view": frozenset({Role.ADMIN, Role.HEAD, Role.AUDITOR}),
    "membership.manage": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN, Role.AUDITOR}),
    # Fund ledger (PSAK 109).
    "ledger.view": frozenset({Role.ADMIN, Role.FINANCE, Role.HEAD, Role.AUDITOR}),
    "ledger.post": frozenset({Role.FINANCE}),
    "ledger.approve": frozenset({Role.HEAD}),
    "ledger.configure": frozenset({Role.ADMIN, Role.FINANCE}),
    "ledger.close": frozenset({Role.FINANCE, Role.HEAD}),
    # Donors and collection.
    "donors.view": ALL_ROLES,
    "donors.manage": frozenset({Role.ADMIN, Role.FRONT_OFFICE, Role.FINANCE}),
    # Full NIK/NPWP: finance needs them for tax receipts, auditors to check them; every read is audited.
    "donors.identifiers": frozenset({Role.FINANCE, Role.AUDITOR}),
    "donors.merge": frozenset({Role.ADMIN, Role.FINANCE}),
    "collection.view": ALL_ROLES,
    "collection.record": frozenset({Role.FRONT_OFFICE, Role.FINANCE}),
    "collection.void": frozenset({Role.FINANCE}),
    "collection.configure": frozenset({Role.ADMIN, Role.FINANCE}),
    "collection.import": frozenset({Role.FINANCE}),
    # Beneficiaries (mustahik). Front office takes applications; program officers assess and verify.
    "beneficiaries.view": ALL_ROLES,
    "beneficiaries.manage": frozenset({Role.ADMIN, Role.FRONT_OFFICE, Role.PROGRAM}),
    "beneficiaries.assess": frozenset({Role.PROGRAM}),
    "beneficiaries.verify": frozenset({Role.PROGRAM, Role.HEAD}),
    # Full NIK/KK and the documents: program officers work with them, auditors check them; every read is audited.
    "beneficiaries.identifiers": frozenset({Role.PROGRAM, Role.AUDITOR}),
    "beneficiaries.documents": frozenset({Role.PROGRAM, Role.HEAD, Role.AUDITOR}),
    "beneficiaries.merge": frozenset({Role.ADMIN, Role.PROGRAM}),
    "beneficiaries.configure": frozenset({Role.ADMIN, Role.HEAD}),
    "beneficiaries.import": frozenset({Role.ADMIN, Role.PROGRAM}),
    # Data-subject requests (UU 27/2022): export everything held on a person, erase on request.
    "beneficiaries.privacy": frozenset({Role.ADMIN}),
    "beneficiaries.dedup": frozenset({Role.ADMIN, Role.PROGRAM}),
    # Distribution: the counter takes applications, program officers assess and recommend, heads
    # approve within their authority limit, finance pays.
    "distribution.view": ALL_ROLES,
    "distribution.apply": frozenset({Role.FRONT_OFFICE, Role.PROGRAM}),
    "distribution.assess": frozenset({Role.PROGRAM}),
    "distribution.recommend": frozenset({Role.PROGRAM}),
    "distribution.approve": frozenset({Role.HEAD, Role.PROGRAM, Role.FINANCE, Role.ADMIN}),
    "distribution.pay": frozenset({Role.FINANCE}),
    "distribution.configure": frozenset({Role.ADMIN, Role.HEAD}),
    # Evidence of help given (photos, signed receipts): who hands help over, who pays, who checks.
    "distribution.evidence": frozenset({Role.PROGRAM, Role.FINANCE, Role.HEAD, Role.AUDITOR}),
    # Keeping evidence (and declaring it complete): not the auditor, who only reads it.
    "distribution.evidence_keep": frozenset({Role.PROGRAM, Role.FINANCE, Role.HEAD}),
    # Each unit's calendar: office and WhatsApp line hours, closures.
    "unit.calendar": frozenset({Role.ADMIN, Role.HEAD}),
    # Service desk: the catalogue and its standards, the queue and counters, appointments, requests.
    "servicedesk.view": ALL_ROLES,
    "servicedesk.configure": frozenset({Role.ADMIN, Role.HEAD}),
    # Approving and publishing a service standard is the unit head's.
    "servicedesk.approve": frozenset({Role.HEAD}),
    # Serving the public: counters, check-in, appointments and requests at the desk.
    "servicedesk.serve": frozenset({Role.FRONT_OFFICE, Role.PROGRAM, Role.HEAD}),
    # A request's uploaded documents (identity papers): who serves, the head, the auditor; every view audited.
    "servicedesk.documents": frozenset({Role.FRONT_OFFICE, Role.PROGRAM, Role.HEAD, Role.AUDITOR}),
}


def active_memberships(user) -> list:
    """The user's active memberships with their units, cached on the user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_satuatap_memberships", None)
    if cached is None:
        cached = list(
            user.memberships.filter(is_active=True, unit__is_active=True)
            .select_related("unit")
            .order_by("unit__path", "role")
        )
        user._satuatap_memberships = cached
    return cached


def forget_memberships(user) -> None:
    user.__dict__.pop("_satuatap_memberships", None)


def roles_on(user, unit: Unit) -> set[str]:
    """Roles the user holds on ``unit`` through a membership on it or an ancestor."""
    return {m.role for m in active_memberships(user) if unit.path.startswith(m.unit.path)}


def can(user, capability: str, unit: Unit) -> bool:
    return bool(roles_on(user, unit) & CAPABILITIES[capability])


def require(user, capability: str, unit: Unit) -> None:
    if not can(user, capability, unit):
        raise NotAllowed(_("Your role on %(unit)s does not allow this action.") % {"unit": unit.name})


def units_where(user, capability: str) -> list[Unit]:
    """Top units of the subtrees in which the user has ``capability``."""
    allowed = CAPABILITIES[capability]
    return [m.unit for m in active_memberships(user) if m.role in allowed]
