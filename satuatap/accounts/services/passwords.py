"""Password resets: by the person, with a one-time link sent by e-mail, and by an administrator.

- **Self-service**: anyone may ask for a link for an e-mail address. The answer is the same whether
  or not an account has that address; a link goes, through the outbox (kept and retried if the mail
  server is down), to each active account with that address and a role somewhere. The form is
  rate-limited per client address, and an account gets at most ``LINKS_PER_ACCOUNT`` links an hour.
- **By an administrator**: an administrator may reset the password of someone whose every role lies
  in units the administrator manages (the same rule as the reset of a lost phone). The old password
  stops working at once and the person is sent a one-time link to choose a new one; the
  administrator never learns or sets it.

The links are Django's password-reset tokens: they stop working once used (the password changes),
after ``PASSWORD_RESET_TIMEOUT``, or when the person logs in. A new password never skips the second
factor: after the reset the person logs in as always, and is asked for their code.
Every request, reset and new password is in the audit trail.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from satuatap.accounts.services.two_factor import reset_allowed
from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import DomainError, NotAllowed
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import active_memberships
from satuatap.outbox.models import Message, MessageChannel
from satuatap.outbox.services import message_queue

# How many reset links one account may be sent in an hour, whoever asks.
LINKS_PER_ACCOUNT = 3


class PasswordResetRefused(DomainError):
    """A password reset that cannot be done as asked (no e-mail address to send the link to)."""


def _home_unit(user) -> Unit | None:
    """The highest unit the person has a role on (the unit their messages and events belong to)."""
    memberships = active_memberships(user)
    if not memberships:
        return None
    return min((m.unit for m in memberships), key=lambda unit: len(unit.path))


def _reference(user) -> str:
    return f"password-reset:{user.pk}"


def password_reset_link(user, request=None) -> str:
    """The absolute one-time link at which ``user`` chooses a new password."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    if settings.SATUATAP_PUBLIC_URL:
        return settings.SATUATAP_PUBLIC_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".")
    return f"https://{host}{path}"


def _send_link(*, actor, user, unit: Unit, request, by_admin: bool) -> Message:
    minutes = max(settings.PASSWORD_RESET_TIMEOUT // 60, 1)
    if by_admin:
        intro = _("An administrator has reset the password of your Satu Atap account %(username)s.")
    else:
        intro = _("Someone (we hope you) asked to reset the password of your Satu Atap account %(username)s.")
    body = "\n\n".join(
        [
            intro % {"username": user.username},
            _("Choose a new password at this link (it works once, for %(minutes)s minutes):") % {"minutes": minutes}
            + "\n"
            + password_reset_link(user, request),
            _("If you did not ask for this, ignore this message: your password stays as it is."),
        ]
    )
    return message_queue(
        actor=actor,
        unit=unit,
        channel=MessageChannel.EMAIL,
        recipient=user.email,
        subject=_("Reset your Satu Atap password"),
        body=body,
        reference=_reference(user),
    )


def password_reset_request(*, email: str, request=None) -> int:
    """Send a reset link to each active account with ``email`` and a role on some unit.

    Says nothing about whether there was one (the caller shows the same answer either way);
    returns how many links were queued, for tests. Operators reset theirs on the server.
    """
    email = (email or "").strip()
    if not email:
        return 0
    since = timezone.now() - timedelta(hours=1)
    sent = 0
    for user in get_user_model().objects.filter(email__iexact=email, is_active=True, is_staff=False):
        unit = _home_unit(user)
        if unit is None or user.is_superuser:
            continue
        if Message.objects.filter(reference=_reference(user), created_at__gte=since).count() >= LINKS_PER_ACCOUNT:
            continue
        with transaction.atomic():
            _send_link(actor=None, user=user, unit=unit, request=request, by_admin=False)
            audit_record(actor=None, action=AuditAction.PASSWORD_RESET_REQUESTED, target=user, unit=unit)
        sent += 1
    return sent


@transaction.atomic
def password_reset_by_admin(*, actor, user, request=None, note: str = "") -> Message:
    """An administrator resets ``user``'s password: the old one stops working at once, and the
    person is sent a one-time link to choose a new one."""
    if not reset_allowed(actor, user):
        raise NotAllowed(_("You may not reset the password of this person."))
    if not user.email:
        raise PasswordResetRefused(
            _("%(user)s has no e-mail address to send the link to; add one to the account first.") % {"user": user}
        )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    unit = _home_unit(user)
    assert unit is not None  # reset_allowed() found a role on some unit
    message = _send_link(actor=actor, user=user, unit=unit, request=request, by_admin=True)
    audit_record(
        actor=actor,
        action=AuditAction.PASSWORD_RESET_BY_ADMIN,
        target=user,
        unit=unit,
        changes={"password": ["set", "reset"]},
        note=note,
    )
    return message


@transaction.atomic
def password_reset_complete(*, user, password: str):
    """The person chose a new password through their link (already checked by the form)."""
    unit = _home_unit(user)
    if unit is None:
        raise PasswordResetRefused(_("This account no longer has a role on any unit; ask an administrator."))
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action=AuditAction.PASSWORD_RESET, target=user, unit=unit)
    return user
