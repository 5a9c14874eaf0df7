from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/csrf/", api.CsrfView.as_view(), name="auth-csrf"),
    path("auth/signup/", api.SignUpView.as_view(), name="auth-signup"),
    path("auth/login/", api.SignInView.as_view(), name="auth-login"),
    path("auth/logout/", api.SignOutView.as_view(), name="auth-logout"),
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
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
]
