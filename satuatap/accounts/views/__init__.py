"""The pages of accounts: login, logout, passwords (``auth``) and the second factor (``two_factor``)."""

from satuatap.accounts.views.auth import (
    LANGUAGE_RATE,
    PASSWORD_RESET_RATE,
    LoginView,
    LogoutView,
    PasswordChangeView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    operator_login,
    password_reset,
    password_reset_sent,
    password_reset_staff,
    set_language,
)
from satuatap.accounts.views.two_factor import locked_out

__all__ = [
    "LANGUAGE_RATE",
    "PASSWORD_RESET_RATE",
    "LoginView",
    "LogoutView",
    "PasswordChangeView",
    "PasswordResetCompleteView",
    "PasswordResetConfirmView",
    "locked_out",
    "operator_login",
    "password_reset",
    "password_reset_sent",
    "password_reset_staff",
    "set_language",
]
