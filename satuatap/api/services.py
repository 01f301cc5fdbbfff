from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.accounts.services import enrolled, two_factor_required
from satuatap.api.models import ApiToken, hash_key
from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import DomainError, NotAllowed
from satuatap.organizations.permissions import active_memberships


@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new token for the acting user; returns the token and its key, which is never shown again."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name, for example the program that will use it."), field="name")
    memberships = active_memberships(actor)
    if not memberships:
        raise NotAllowed(_("You need a role on a unit before you can use the API."))
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        key_hash=hash_key(key),
        hint=key[: len("sat_") + 4],
        expires_at=timezone.now() + timedelta(days=settings.SATUATAP_API_TOKEN_DAYS),
    )
    audit_record(actor=actor, action=AuditAction.API_TOKEN_CREATED, target=token, unit=memberships[0].unit)
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise NotAllowed(_("You can only revoke your own tokens."))
    if token.revoked_at is not None:
        raise DomainError(_("This token has already been revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    memberships = active_memberships(actor)
    if memberships:
        audit_record(actor=actor, action=AuditAction.API_TOKEN_REVOKED, target=token, unit=memberships[0].unit)
    return token


def _usable_token(key: str) -> ApiToken | None:
    if not key or not key.startswith("sat_") or len(key) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    return token


def _owes_two_factor(user) -> bool:
    # A token stands in for a verified browser session, so its owner must have set up the second
    # factor their roles require: a role that needs it may have come after the token was made.
    return two_factor_required(user) and not enrolled(user)


def api_token_authenticate(key: str):
    """The user behind a usable token, or None; refused while its owner holds a role that requires
    two-factor authentication and has not set it up."""
    token = _usable_token(key)
    if token is None or _owes_two_factor(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_waits_for_two_factor(key: str) -> bool:
    """Whether ``key`` is a usable token refused only because its owner has yet to set up
    two-factor authentication (so the API can say so)."""
    token = _usable_token(key)
    return token is not None and _owes_two_factor(token.user)
