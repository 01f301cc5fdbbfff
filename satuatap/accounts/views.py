from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.i18n import set_language as django_set_language

from satuatap.accounts.forms import LoginForm
from satuatap.accounts.throttling import address_blocked
from satuatap.accounts.views_two_factor import locked_out
from satuatap.core.throttle import Rate, throttle_hit

# The language toggle is a public form: generous, but not unlimited.
LANGUAGE_RATE = Rate(count=60, seconds=60)


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
