"""Pages of two-factor authentication: the code at login, setting up a phone, backup codes, one's
own settings, and the administrators' overview with the reset for a lost phone."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuatap.accounts.forms import TwoFactorCodeForm, TwoFactorResetForm, TwoFactorSetupForm
from satuatap.accounts.services import two_factor as tf
from satuatap.accounts.throttling import address_blocked
from satuatap.core.views.helpers import active_unit, apply_service_error
from satuatap.organizations.permissions import can
from satuatap.organizations.selectors import membership_for, memberships_for


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("core:home")


def _with_next(name: str, next_url: str) -> str:
    return reverse(name) + "?" + urlencode({"next": next_url})


def _without_navigation(request, context: dict) -> dict:
    """Until the second factor is given the menu would only lead back here: the layout hides it for
    an anonymous ``user``, and the view's context outranks the context processors'."""
    if not request.user.is_verified():
        context["user"] = AnonymousUser()
    return context


def locked_out(request, wait: int | None = None):
    response = render(request, "accounts/locked_out.html", status=429)
    if wait:
        response["Retry-After"] = str(wait)
    return response


@never_cache
@login_required
def verify(request):
    """The second step of login: a code from the phone or a backup code."""
    user = request.user
    next_url = _next(request)
    if user.is_verified():
        return redirect(next_url)
    if not user_has_device(user, confirmed=True):
        if request.session.get(tf.SESSION_ENROLLED):
            # The phone was removed since this session began (an administrator's reset): start over.
            logout(request)
            messages.info(request, _("Your two-factor authentication was reset. Log in again to set up your phone."))
            return redirect("accounts:login")
        request.session[tf.SESSION_ENROLLED] = False
        return redirect(_with_next("accounts:two_factor_setup", next_url) if tf.two_factor_required(user) else next_url)
    from axes.handlers.proxy import AxesProxyHandler

    wait = address_blocked(request)
    if wait is not None or AxesProxyHandler.is_locked(request, tf.lockout_credentials(user)):
        logout(request)
        return locked_out(request, wait)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tf.verify_code(request=request, code=form.cleaned_data["code"])
        except tf.TwoFactorRefused as exc:
            if getattr(request, "axes_locked_out", False):
                logout(request)
                return locked_out(request)
            apply_service_error(form, exc)
        else:
            return redirect(next_url)
    return render(
        request, "accounts/two_factor_verify.html", _without_navigation(request, {"form": form, "next": next_url})
    )


@never_cache
@login_required
def setup(request):
    """Set up a phone: scan the QR code (or type the secret) into an authenticator app, confirm with a code."""
    user = request.user
    next_url = _next(request)
    replacing = tf.enrolled(user)
    if replacing and not user.is_verified():
        return redirect(_with_next("accounts:two_factor_verify", next_url))
    device = tf.totp_device_pending(user=user)
    form = TwoFactorSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = tf.totp_device_confirm(request=request, device=device, code=form.cleaned_data["code"])
        except tf.TwoFactorRefused as exc:
            apply_service_error(form, exc)
        else:
            request.session[tf.SESSION_NEW_CODES] = codes
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_with_next("accounts:two_factor_backup_codes", next_url))
    context = {
        "form": form,
        "next": next_url,
        "qr": tf.qr_data_uri(device),
        "secret": tf.secret_for_display(device),
        "required": tf.two_factor_required(user),
        "replacing": replacing,
    }
    return render(request, "accounts/two_factor_setup.html", _without_navigation(request, context))


@never_cache
@login_required
def backup_codes(request):
    """New backup codes, shown once (after setting up a phone, or on request)."""
    if request.method == "POST":
        try:
            request.session[tf.SESSION_NEW_CODES] = tf.backup_codes_renew(user=request.user)
        except tf.TwoFactorRefused as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("accounts:two_factor")
        return redirect("accounts:two_factor_backup_codes")
    codes = request.session.pop(tf.SESSION_NEW_CODES, None)
    return render(request, "accounts/two_factor_backup_codes.html", {"codes": codes, "next": _next(request)})


@never_cache
@login_required
def overview(request):
    """One's own two-factor settings."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    context = {
        "device": device,
        "codes_left": tf.backup_codes_left(user) if device else 0,
        "required": tf.two_factor_required(user),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_POST
def disable(request):
    try:
        tf.two_factor_disable(request=request)
    except tf.TwoFactorRefused as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:two_factor")


@login_required
def staff(request):
    """Who in the active unit's subtree has set up two-factor authentication; a reset for a lost phone."""
    top = active_unit(request, "membership.view")
    memberships = list(memberships_for(request.user, within=top).filter(is_active=True))
    user_ids = {m.user_id for m in memberships}
    enrolled_ids = set(
        TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list("user_id", flat=True)
    )
    rows = [
        {"membership": m, "enrolled": m.user_id in enrolled_ids, "protected": m.role in tf.PROTECTED_ROLES}
        for m in memberships
    ]
    context = {"top": top, "rows": rows, "can_manage": can(request.user, "membership.manage", top)}
    return render(request, "accounts/two_factor_staff.html", context)


@login_required
def reset(request, pk):
    """Reset the second factor of the person holding membership ``pk`` (a lost phone)."""
    membership = membership_for(request.user, pk, capability="membership.manage")
    person = membership.user
    if not tf.reset_allowed(request.user, person):
        raise PermissionDenied(_("You may not reset the two-factor authentication of this person."))
    form = TwoFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tf.two_factor_reset(actor=request.user, user=person, note=form.cleaned_data["note"])
        except tf.TwoFactorRefused as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Two-factor authentication of %(user)s was reset: they set up a new phone at their next login.")
                % {"user": person},
            )
            return redirect("accounts:two_factor_staff")
    return render(request, "accounts/two_factor_reset.html", {"form": form, "membership": membership, "person": person})
