"""The Django admin, behind the same second factor as the API.

Entry needs the rule of ``accounts.two_factor``: staff (who must use two-factor sign-in)
need a session that passed the code step, which the admin's sign-in form takes with the
password; staff without an authenticator are turned away until they set one up in the web
app. Wrong codes count towards the sign-in throttle like wrong passwords.

django-otp's own ``OTPAdminSite`` form asks which device the code is from (a second round
trip); this one tells an authenticator code from a recovery code by its shape, as the web
app's sign-in does.
"""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts import services, two_factor
from accounts.models import User
from accounts.requests import signed_in_user
from core.clients import client_key


class TwoFactorAdminAuthenticationForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label="Code",
        required=False,
        max_length=32,
        help_text="The 6-digit code from your authenticator app, or a recovery code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # None when the email or password was left out: the stubs promise a user.
        user = cast("User | None", self.get_user())
        if user is None or not two_factor.second_factor_enabled(user=user):
            return cleaned
        code = cleaned.get("otp_token") or ""
        if not code:
            raise ValidationError({"otp_token": _("Enter the code from your authenticator app.")})
        client = client_key(self.request)
        try:
            device = two_factor.code_check(user=user, code=code, client=client, field="otp_token")
        except services.SignInThrottled as exc:
            raise ValidationError(
                _("Too many failed sign-ins. Wait a while, or reset your password.")
            ) from exc
        # django-otp marks the session as verified when it sees this at sign-in.
        user.otp_device = device  # type: ignore[attr-defined]  # django-otp reads it off the user
        return cleaned


class AdminSite(admin.AdminSite):
    login_form = TwoFactorAdminAuthenticationForm
    login_template = "admin/two_factor_login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        refusal = two_factor.request_refusal(
            user=signed_in_user(request),
            session_verified=two_factor.session_is_verified(request),
        )
        return refusal is None
