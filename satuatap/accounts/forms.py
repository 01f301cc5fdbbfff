from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from satuatap.accounts.services import password_reset_complete


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Note that both are case-sensitive."),
        "inactive": _("This account is not active."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class TwoFactorCodeForm(forms.Form):
    """The code from the phone's authenticator app, or one of the backup codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class TwoFactorSetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown by the app"),
        max_length=12,
        help_text=_("Enter the 6-digit code the app shows for Satu Atap."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class TwoFactorResetForm(forms.Form):
    note = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("For example: phone lost on 3 March. Kept in the audit trail."),
        widget=forms.TextInput(attrs={"autofocus": True}),
        error_messages={"required": _("Say why, for the audit trail.")},
    )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The address on your account. We send a link there to choose a new password."),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class EveryPasswordMistake:
    """Django checks the password rules only once the two new passwords match, so a weak password
    showed only after the mismatch was put right: here a weak new password is said beside the
    mismatch, in the same round (and beside a wrong old password, on the change form)."""

    def clean(self):
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data.get("new_password2")
        data = super().clean()
        if first and second and first != second:
            self.validate_password_for_user(self.user, "new_password1")
        return data


class PasswordChangeForm(EveryPasswordMistake, auth_forms.PasswordChangeForm):
    """Django's change form, with every mistake in one round."""


class PasswordResetSetForm(EveryPasswordMistake, SetPasswordForm):
    """Django's new-password form (the password rules apply), saved through the audited service."""

    def save(self, commit=True):
        return password_reset_complete(user=self.user, password=self.cleaned_data["new_password1"])


class PasswordResetByAdminForm(forms.Form):
    note = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("For example: forgot the password, asked in person on 3 March. Kept in the audit trail."),
        widget=forms.TextInput(attrs={"autofocus": True}),
        error_messages={"required": _("Say why, for the audit trail.")},
    )
