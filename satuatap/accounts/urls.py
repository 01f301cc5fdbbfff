from django.urls import path

from satuatap.accounts import views
from satuatap.accounts.views import two_factor

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("staff/<int:pk>/password-reset/", views.password_reset_staff, name="password_reset_staff"),
    path("two-factor/", two_factor.overview, name="two_factor"),
    path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("two-factor/backup-codes/", two_factor.backup_codes, name="two_factor_backup_codes"),
    path("two-factor/off/", two_factor.disable, name="two_factor_disable"),
    path("two-factor/staff/", two_factor.staff, name="two_factor_staff"),
    path("two-factor/staff/<int:pk>/reset/", two_factor.reset, name="two_factor_reset"),
]
