from django.urls import path

from accounts import api, forces_api, two_factor_api

urlpatterns = [
    path("auth/csrf/", api.CsrfView.as_view(), name="auth-csrf"),
    path("auth/signup/", api.SignUpView.as_view(), name="auth-signup"),
    path("auth/login/", api.SignInView.as_view(), name="auth-login"),
    path("auth/login/otp/", two_factor_api.SignInCodeView.as_view(), name="auth-login-otp"),
    path("auth/logout/", api.SignOutView.as_view(), name="auth-logout"),
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/token/otp/", two_factor_api.TokenCodeView.as_view(), name="auth-token-otp"),
    path("auth/token/revoke/", api.TokenRevokeView.as_view(), name="auth-token-revoke"),
    path("auth/password-reset/", api.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password-reset/confirm/",
        api.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("me/", api.MeView.as_view(), name="me"),
    path("me/password/", api.PasswordChangeView.as_view(), name="me-password"),
    path("me/email/", api.EmailChangeView.as_view(), name="me-email"),
    path(
        "auth/email-change/confirm/",
        api.EmailChangeConfirmView.as_view(),
        name="auth-email-change-confirm",
    ),
    path("me/export/", api.DataExportView.as_view(), name="me-export"),
    path("me/deletion/", api.AccountDeletionView.as_view(), name="me-deletion"),
    path("me/two-factor/", two_factor_api.TwoFactorView.as_view(), name="me-two-factor"),
    path(
        "me/two-factor/enrol/",
        two_factor_api.TwoFactorEnrolView.as_view(),
        name="me-two-factor-enrol",
    ),
    path(
        "me/two-factor/confirm/",
        two_factor_api.TwoFactorConfirmView.as_view(),
        name="me-two-factor-confirm",
    ),
    path(
        "me/two-factor/recovery-codes/",
        two_factor_api.RecoveryCodesView.as_view(),
        name="me-two-factor-recovery-codes",
    ),
    path(
        "me/two-factor/disable/",
        two_factor_api.TwoFactorDisableView.as_view(),
        name="me-two-factor-disable",
    ),
    path(
        "users/<int:user_id>/two-factor/reset/",
        two_factor_api.TwoFactorResetView.as_view(),
        name="user-two-factor-reset",
    ),
    path("forces/", forces_api.ForceListView.as_view(), name="forces"),
]
