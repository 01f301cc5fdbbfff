"""Two-factor authentication: a TOTP app on the user's phone (django-otp), backup codes for a lost
phone, and a reset by an administrator.

Who must use it: anyone holding an administrator, finance or office-head role on any unit, and the
platform's operators (Django admin), unless ``REQUIRE_2FA`` is off. Whoever has set it up is asked
for a code at every login, required or not. Enforcement is ``TwoFactorMiddleware``.
"""

import time
from base64 import b32encode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import DomainError, NotAllowed
from satuatap.organizations.models import Role
from satuatap.organizations.permissions import active_memberships, can

# Roles whose holders must use a second factor: they move money, approve, or hand out roles.
PROTECTED_ROLES = frozenset({Role.ADMIN, Role.FINANCE, Role.HEAD})

TWO_FACTOR_RESET = AuditAction.TWO_FACTOR_RESET

# Session keys: whether the user had a device when the session began (so that most requests need
# no query to know), and backup codes waiting to be shown once.
SESSION_ENROLLED = "satuatap_2fa_enrolled"
SESSION_NEW_CODES = "satuatap_2fa_new_codes"


class TwoFactorRefused(DomainError):
    """A two-factor step was refused; the message says why."""


def two_factor_required(user) -> bool:
    """Whether ``user`` must set up two-factor authentication before using the application."""
    if not settings.REQUIRE_2FA or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(m.role in PROTECTED_ROLES for m in active_memberships(user))


def enrolled(user) -> bool:
    """Whether the user has a confirmed phone (TOTP device)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_enrolled(request) -> bool:
    """Whether this session's user has a second factor, from the session when known."""
    known = request.session.get(SESSION_ENROLLED)
    if known is None:
        known = user_has_device(request.user, confirmed=True)
        request.session[SESSION_ENROLLED] = known
    return known


def pending_step(request) -> str | None:
    """What the logged-in user must do before anything else: "verify", "setup" or nothing."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if session_enrolled(request):
        return "verify"
    if two_factor_required(user):
        return "setup"
    return None


# --- enrolment -------------------------------------------------------------------------------


def totp_device_pending(*, user) -> TOTPDevice:
    """The phone being set up: one unconfirmed device per user, kept until confirmed so that
    reloading the page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Phone"), confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The device's secret as an authenticator app asks for it by hand: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    import segno

    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def normalise_code(raw: str) -> str:
    """Codes as people type them: spaces and dashes dropped, backup codes in lower case."""
    return "".join(ch for ch in (raw or "") if ch not in " -\t").lower()


def _wait_message(devices) -> str:
    waits = []
    now = time.time()
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            waits.append(max(int(info["locked_until"].timestamp() - now) + 1, 1))
    seconds = max(waits) if waits else 1
    return _("Too many wrong codes: wait %(seconds)s seconds, then enter the newest code.") % {"seconds": seconds}


def _all_throttled(devices) -> bool:
    return bool(devices) and all(not device.verify_is_allowed()[0] for device in devices)


@transaction.atomic
def totp_device_confirm(*, request, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the phone being set up with a code it shows; the old phone (if any) stops working.
    Returns the new backup codes, to be shown once."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    code = normalise_code(code)
    if _all_throttled([device]):
        raise TwoFactorRefused(_wait_message([device]), field="code")
    if not (code.isdigit() and len(code) == device.digits and device.verify_token(code)):
        raise TwoFactorRefused(
            _("That code is not right. Check that the phone's clock is correct and enter the newest code."),
            field="code",
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _backup_codes_replace(user)
    _session_verified(request, device)
    return codes


def _backup_codes_replace(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def backup_codes_renew(*, user) -> list[str]:
    """New backup codes for an enrolled user; the old ones stop working."""
    if not enrolled(user):
        raise TwoFactorRefused(_("Set up two-factor authentication first."))
    return _backup_codes_replace(user)


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def two_factor_disable(*, request) -> None:
    """Turn off one's own second factor; refused to those whose role requires it."""
    user = request.user
    if two_factor_required(user):
        raise TwoFactorRefused(_("Your role requires two-factor authentication; it cannot be turned off."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session[SESSION_ENROLLED] = False
    request.user.otp_device = None


# --- verification at login ----------------------------------------------------------------------


def lockout_credentials(user) -> dict:
    """What django-axes counts wrong codes under: the username with a suffix no real username can
    have (Django usernames allow no spaces), so that a correct password does not wipe the count."""
    return {"username": f"{user.get_username()} (2fa)"}


def verify_code(*, request, code: str):
    """Check a code from the phone (6 digits) or a backup code and mark the session verified.

    Returns the device that accepted it. A wrong code is reported to django-axes as a failed
    login, so wrong codes lock the account like wrong passwords; the devices also slow down
    guessing themselves (1, 2, 4, ... seconds between tries).
    """
    user = request.user
    AxesProxyHandler.update_request(request)  # the client address axes counts under
    code = normalise_code(code)
    model = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.select_for_update().filter(user=user, confirmed=True))
        if _all_throttled(devices):
            raise TwoFactorRefused(_wait_message(devices), field="code")
        accepted = next((device for device in devices if code and device.verify_token(code)), None)
    credentials = lockout_credentials(user)
    if accepted is None:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        raise TwoFactorRefused(_("That code is not right."), field="code")
    AxesProxyHandler.reset_attempts(username=credentials["username"], ip_address=request.axes_ip_address)
    _session_verified(request, accepted)
    return accepted


def _session_verified(request, device) -> None:
    # A new session key for the raised privilege, as at login.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_ENROLLED] = True


# --- reset by an administrator --------------------------------------------------------------------


def reset_allowed(actor, user) -> bool:
    """An administrator may reset the second factor of someone whose every role lies in units the
    administrator manages (so a branch admin cannot weaken an account that also guards a region)."""
    if actor.pk == user.pk or user.is_staff or user.is_superuser:
        return False
    memberships = active_memberships(user)
    return bool(memberships) and all(can(actor, "membership.manage", m.unit) for m in memberships)


@transaction.atomic
def two_factor_reset(*, actor, user, note: str = ""):
    """Remove a user's phone and backup codes (lost phone): they set up a new phone at next login."""
    if not reset_allowed(actor, user):
        raise NotAllowed(_("You may not reset the two-factor authentication of this person."))
    if not user_has_device(user, confirmed=None):
        raise TwoFactorRefused(_("%(user)s has not set up two-factor authentication.") % {"user": user})
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    top = min((m.unit for m in active_memberships(user)), key=lambda unit: len(unit.path))
    audit_record(
        actor=actor,
        action=TWO_FACTOR_RESET,
        target=user,
        unit=top,
        changes={"two_factor": [True, False]},
        note=note,
    )
    return removed


# --- session bookkeeping at login ---------------------------------------------------------------

SESSION_LOGIN_AT = "satuatap_login_at"
SESSION_SEEN_AT = "satuatap_seen_at"


def _on_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(time.time())
    session[SESSION_LOGIN_AT] = now
    session[SESSION_SEEN_AT] = now
    session[SESSION_ENROLLED] = user_has_device(user, confirmed=True)


def connect_signals() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="satuatap.accounts.two_factor.on_login")
