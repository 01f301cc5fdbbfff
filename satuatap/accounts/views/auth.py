from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.i18n import set_language as django_set_language

from satuatap.accounts import services
from satuatap.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetByAdminForm,
    PasswordResetRequestForm,
    PasswordResetSetForm,
)
from satuatap.accounts.services import reset_allowed
from satuatap.accounts.throttling import address_blocked
from satuatap.accounts.views.two_factor import locked_out
from satuatap.core.throttle import Rate, throttle_hit
from satuatap.core.views.helpers import apply_service_error, throttled_page
from satuatap.organizations.selectors import membership_for

# The language toggle is a public form: generous, but not unlimited.
LANGUAGE_RATE = Rate(count=60, seconds=60)
# Asking for a password reset link: a person needs one or two; more is someone trying addresses.
PASSWORD_RESET_RATE = Rate(count=5, seconds=3600)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        wait = address_blocked(request)
        if wait is not None:
            return locked_out(request, wait)
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext_lazy("Your password has been changed."))
        return response


def operator_login(request, extra_context=None):
    """The Django admin's login, behind the same per-address limit as the staff login."""
    if request.method == "POST":
        wait = address_blocked(request)
        if wait is not None:
            return locked_out(request, wait)
    return admin.site.login(request, extra_context)


def set_language(request):
    """Django's language switch, rate-limited per address like every public form."""
    if request.method == "POST":
        wait = throttle_hit(request, "set-language", LANGUAGE_RATE)
        if wait is not None:
            response = HttpResponse(_("Too many requests. Try again in a minute."), status=429)
            response["Retry-After"] = str(wait)
            return response
    return django_set_language(request)


def password_reset(request):
    """ "Forgot your password?": a link by e-mail. The answer never says whether the address has an account."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST":
        wait = throttle_hit(request, "password-reset", PASSWORD_RESET_RATE)
        if wait is not None:
            return throttled_page(request, wait)
        if form.is_valid():
            services.password_reset_request(email=form.cleaned_data["email"], request=request)
            return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_sent(request):
    return render(request, "accounts/password_reset_sent.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's check of the one-time link, then a new password through the audited service. The
    person is not logged in by it: they log in as always, second factor included."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = PasswordResetSetForm
    post_reset_login = False
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            apply_service_error(form, exc)
            return self.form_invalid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def password_reset_staff(request, pk):
    """An administrator resets the password of the person holding membership ``pk``; the person is
    sent a link to choose a new one."""
    membership = membership_for(request.user, pk, capability="membership.manage")
    person = membership.user
    if not reset_allowed(request.user, person):
        raise PermissionDenied(_("You may not reset the password of this person."))
    form = PasswordResetByAdminForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_by_admin(
                actor=request.user, user=person, request=request, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The password of %(user)s was reset; a link to choose a new one was sent to %(email)s.")
                % {"user": person, "email": person.email},
            )
            return redirect("accounts:two_factor_staff")
    context = {"form": form, "membership": membership, "person": person}
    return render(request, "accounts/password_reset_staff.html", context)
