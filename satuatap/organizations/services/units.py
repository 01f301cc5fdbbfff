"""Every write to units and memberships: check, then do, then audit, in one transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record, diff
from satuatap.core.errors import combined
from satuatap.core.identifiers import clean_phone
from satuatap.organizations.errors import MembershipRefused, UnitRefused
from satuatap.organizations.models import KIND_LEVEL, Membership, Role, Unit, UnitKind
from satuatap.organizations.permissions import forget_memberships, require

UNIT_FIELDS = (
    "kind",
    "name",
    "code",
    "address",
    "region",
    "time_zone",
    "phone",
    "whatsapp",
    "office_hours",
    "observes_collective_leave",
    "legal_name",
    "npwp",
    "legal_basis",
    "is_active",
)
INSTITUTION_ONLY_FIELDS = ("legal_name", "npwp", "legal_basis")


def _snapshot(unit: Unit) -> dict:
    return {field: getattr(unit, "region_id" if field == "region" else field) for field in UNIT_FIELDS}


def _check_kind_under(kind: str, parent: Unit | None) -> None:
    if parent is None:
        if kind != UnitKind.INSTITUTION:
            raise UnitRefused(_("Only an institution can stand at the top of a tree."), field="kind")
        return
    if kind == UnitKind.INSTITUTION:
        raise UnitRefused(_("An institution cannot be placed under another unit."), field="kind")
    if kind == UnitKind.DIVISION:
        return
    parent_level = KIND_LEVEL.get(parent.kind)
    if parent_level is None:  # a division: only divisions below it
        raise UnitRefused(_("Only divisions can be placed under a division."), field="kind")
    if KIND_LEVEL[kind] < parent_level:
        raise UnitRefused(
            _("A %(kind)s cannot be placed under a %(parent)s.")
            % {"kind": UnitKind(kind).label, "parent": UnitKind(parent.kind).label},
            field="kind",
        )


def unit_kinds_under(parent: Unit) -> list[str]:
    """The kinds a new unit under ``parent`` may have, the most likely first: the level right below the
    parent's (a branch under a regency), then the lower ones, a division, and last the parent's own level."""
    allowed = []
    for kind in UnitKind.values:
        try:
            _check_kind_under(kind, parent)
        except UnitRefused:
            continue
        allowed.append(kind)
    level = KIND_LEVEL.get(parent.kind, len(KIND_LEVEL))
    return sorted(allowed, key=lambda kind: (KIND_LEVEL.get(kind, 99) <= level, KIND_LEVEL.get(kind, 99)))


def _check_children_fit(unit: Unit, kind: str) -> None:
    for child in Unit.objects.get_children(unit):
        try:
            _check_kind_under(child.kind, Unit(kind=kind))
        except UnitRefused:
            raise UnitRefused(
                _("%(child)s below this unit would no longer fit under a %(kind)s.")
                % {"child": child.name, "kind": UnitKind(kind).label},
                field="kind",
            ) from None


def _validate(unit: Unit, institution: Unit | None) -> None:
    """Check the unit's fields; refuse naming every bad one at once."""
    unit.code = (unit.code or "").strip().upper()
    refusals: list[ValidationError] = []
    try:
        unit.full_clean(
            exclude=["path", "depth", "numchild", "institution"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        refusals.append(UnitRefused(exc.message_dict))
    # Stored as every phone is (+628…), so it can be dialled and a wa.me link made from it.
    if not any("whatsapp" in refusal.message_dict for refusal in refusals):
        try:
            unit.whatsapp = clean_phone(unit.whatsapp, UnitRefused, field="whatsapp")
        except UnitRefused as exc:
            refusals.append(exc)
    if not unit.is_institution:
        for field in INSTITUTION_ONLY_FIELDS:
            setattr(unit, field, "")
    if institution is not None:
        clash = Unit.objects.filter(institution=institution, code=unit.code).exclude(pk=unit.pk)
        if clash.exists():
            refusals.append(
                UnitRefused(
                    _("Code %(code)s is already used by another unit of this institution.") % {"code": unit.code},
                    field="code",
                )
            )
    if refusals:
        raise UnitRefused(combined(refusals))


def _save_guarded(action):
    try:
        with transaction.atomic():
            return action()
    except IntegrityError:
        # A concurrent request took the same code between our check and our write.
        raise UnitRefused(_("This code was just taken by another unit; choose another."), field="code") from None


@transaction.atomic
def institution_create(*, actor, first_admin=None, **fields) -> Unit:
    """A new, isolated institution (tree root), with its first administrator.

    Only the platform operator may do this (a superuser, or ``actor=None`` from a command).
    """
    if actor is not None and not actor.is_superuser:
        raise MembershipRefused(_("Only the platform operator can create an institution."))
    unit = Unit(kind=UnitKind.INSTITUTION, **fields)
    _check_kind_under(unit.kind, None)
    _validate(unit, institution=None)

    def create():
        root = Unit.objects.add_root(instance=unit)
        root.institution = root
        root.save(update_fields=["institution"])
        return root

    root = _save_guarded(create)
    audit_record(
        actor=actor, action=AuditAction.UNIT_CREATED, target=root, unit=root, changes=diff({}, _snapshot(root))
    )
    if first_admin is not None:
        if Membership.objects.filter(user=first_admin, is_active=True).exists():
            raise MembershipRefused(_("This user already works for an institution."), field="first_admin")
        membership = Membership.objects.create(user=first_admin, unit=root, role=Role.ADMIN)
        forget_memberships(first_admin)
        audit_record(
            actor=actor,
            action=AuditAction.MEMBERSHIP_GRANTED,
            target=membership,
            unit=root,
            changes={"user": [None, first_admin.username], "role": [None, Role.ADMIN], "unit": [None, str(root)]},
        )
    return root


@transaction.atomic
def unit_create(*, actor, parent: Unit, **fields) -> Unit:
    """Add a unit below ``parent``; the actor must administer ``parent``."""
    require(actor, "unit.manage", parent)
    parent = Unit.objects.select_for_update().get(pk=parent.pk)
    unit = Unit(**fields)
    unit.institution_id = parent.institution_id
    _check_kind_under(unit.kind, parent)
    _validate(unit, institution=parent.institution)
    child = _save_guarded(lambda: Unit.objects.add_child(parent, instance=unit))
    audit_record(
        actor=actor, action=AuditAction.UNIT_CREATED, target=child, unit=child, changes=diff({}, _snapshot(child))
    )
    return child


@transaction.atomic
def unit_update(*, actor, unit: Unit, **fields) -> Unit:
    require(actor, "unit.manage", unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = _snapshot(unit)
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise UnitRefused(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for field, value in fields.items():
        setattr(unit, field, value)
    if unit.kind != before["kind"]:
        _check_kind_under(unit.kind, Unit.objects.get_parent(unit))
        _check_children_fit(unit, unit.kind)
    if unit.is_institution and not before["is_active"] == unit.is_active and not unit.is_active:
        raise UnitRefused(_("An institution cannot be deactivated here."), field="is_active")
    _validate(unit, institution=unit.institution)
    _save_guarded(lambda: unit.save())
    changes = diff(before, _snapshot(unit))
    if changes:
        audit_record(actor=actor, action=AuditAction.UNIT_UPDATED, target=unit, unit=unit, changes=changes)
    return unit


@transaction.atomic
def unit_move(*, actor, unit: Unit, new_parent: Unit) -> Unit:
    """Move ``unit`` with its subtree below ``new_parent`` within the same institution.

    The actor must administer both the unit and its new parent.
    """
    require(actor, "unit.manage", unit)
    require(actor, "unit.manage", new_parent)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_parent = Unit.objects.select_for_update().get(pk=new_parent.pk)
    if unit.is_institution:
        raise UnitRefused(_("An institution cannot be moved."), field="new_parent")
    if new_parent.institution_id != unit.institution_id:
        raise UnitRefused(_("A unit cannot be moved to another institution."), field="new_parent")
    if unit.contains(new_parent):
        raise UnitRefused(_("A unit cannot be moved under itself or one of its own sub-units."), field="new_parent")
    _check_kind_under(unit.kind, new_parent)
    old_parent = Unit.objects.get_parent(unit)
    if old_parent.pk == new_parent.pk:
        return unit
    Unit.objects.move(unit, new_parent, pos="last-child")
    unit.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.UNIT_MOVED,
        target=unit,
        unit=unit,
        changes={"parent": [str(old_parent), str(new_parent)]},
    )
    return unit


def _grant_refusals(*, actor, user, unit: Unit, role: str) -> list[MembershipRefused]:
    """Why ``actor`` may not give ``user`` ``role`` on ``unit``: every reason, about the user and the role."""
    refusals = []
    if user.pk == actor.pk:
        refusals.append(
            MembershipRefused(_("You cannot grant a role to yourself; ask another administrator."), field="user")
        )
    elif not user.is_active:
        refusals.append(MembershipRefused(_("This user account is not active."), field="user"))
    elif (
        Membership.objects.filter(user=user, is_active=True).exclude(unit__institution_id=unit.institution_id).exists()
    ):
        refusals.append(MembershipRefused(_("This user works for another institution."), field="user"))
    if role not in Role.values:
        refusals.append(MembershipRefused(_("Unknown role."), field="role"))
    elif Membership.objects.filter(user=user, unit=unit, role=role, is_active=True).exists():
        refusals.append(MembershipRefused(_("This user already holds this role on this unit."), field="role"))
    return refusals


@transaction.atomic
def membership_grant(*, actor, user, unit: Unit, role: str) -> Membership:
    """Give ``user`` a role on ``unit`` (and so on its subtree). Nobody grants a role to themself:
    an administrator could otherwise take rights the administrator role deliberately lacks.
    A refusal names every bad field at once (the user and the role)."""
    require(actor, "membership.manage", unit)
    refusals = _grant_refusals(actor=actor, user=user, unit=unit, role=role)
    if refusals:
        raise MembershipRefused(combined(refusals))
    membership = Membership.objects.create(user=user, unit=unit, role=role)
    forget_memberships(user)
    audit_record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_GRANTED,
        target=membership,
        unit=unit,
        changes={"user": [None, user.username], "role": [None, role], "unit": [None, str(unit)]},
    )
    return membership


@transaction.atomic
def membership_end(*, actor, membership: Membership, note: str = "") -> Membership:
    require(actor, "membership.manage", membership.unit)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise MembershipRefused(_("This role has already ended."))
    if membership.user_id == actor.pk and membership.role == Role.ADMIN:
        raise MembershipRefused(_("You cannot end your own administrator role; ask another administrator."))
    membership.is_active = False
    membership.ended_at = timezone.now()
    membership.save(update_fields=["is_active", "ended_at"])
    forget_memberships(membership.user)
    audit_record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_ENDED,
        target=membership,
        unit=membership.unit,
        changes={"is_active": [True, False]},
        note=note,
    )
    return membership


def staff_fields_check(*, username: str | None = None, full_name: str = "", email: str = "", password=None) -> None:
    """Refuse, naming every bad field at once, what ``staff_create`` would refuse in these fields: a
    taken username and a password the password rules refuse (too common, too like the name, …). A
    field left out (None) is not checked: the form asks with its well-formed fields only."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    User = get_user_model()
    refusals: list[ValidationError] = []
    if username is not None and User.objects.filter(username__iexact=username).exists():
        refusals.append(MembershipRefused(_("This username is already taken."), field="username"))
    if password is not None:
        try:
            validate_password(password, User(username=username or "", full_name=full_name, email=email))
        except ValidationError as exc:
            refusals.append(MembershipRefused({"password": exc.messages}))
    if refusals:
        raise MembershipRefused(combined(refusals))


@transaction.atomic
def staff_create(*, actor, unit: Unit, role: str, username: str, full_name: str, email: str, password: str):
    """Open an account for a new staff member and give them their first role. A refusal names every
    bad field at once: the username, the password and the role."""
    from django.contrib.auth import get_user_model

    require(actor, "membership.manage", unit)
    refusals: list[ValidationError] = []
    try:
        staff_fields_check(username=username, full_name=full_name, email=email, password=password)
    except MembershipRefused as exc:
        refusals.append(exc)
    if role not in Role.values:
        refusals.append(MembershipRefused(_("Unknown role."), field="role"))
    if refusals:
        raise MembershipRefused(combined(refusals))
    user = get_user_model()(username=username, full_name=full_name, email=email)
    user.set_password(password)
    user.save()
    return membership_grant(actor=actor, user=user, unit=unit, role=role)
