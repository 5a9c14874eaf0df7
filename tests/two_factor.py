"""Authenticator codes for the two-factor tests, computed as a phone's app would."""

import time
from base64 import b32decode

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def authenticator_code(user: User, secret: str | None = None) -> str:
    """A code the server will accept now from the user's authenticator (confirmed or not).

    A code works once: the server remembers the last time step used and accepts one step
    either side of its clock (following a phone whose clock runs ahead). So this takes the
    current step or the next one, whichever has not been used yet. ``secret`` (the base32
    key shown at enrolment) is used when given, as a person would type it into their app.
    """
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
    assert device is not None
    key = b32decode(secret.replace(" ", "")) if secret else device.bin_key
    now = int(time.time() - device.t0) // device.step + device.drift
    step = next(t for t in (now, now + 1) if t > device.last_t)
    return f"{hotp(key, step, digits=device.digits):0{device.digits}d}"


def wrong_code(user: User) -> str:
    """A well-formed code that is not valid now (one from an hour away)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
    assert device is not None
    step = int(time.time()) // device.step + 120
    return f"{hotp(device.bin_key, step):06d}"
