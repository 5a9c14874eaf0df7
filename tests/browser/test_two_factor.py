"""A police liaison sets up two-factor sign-in at 360 px, then signs in with a code computed
from the key shown on screen, and once with a recovery code."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.pages import DEMO_PASSWORD, sign_out, status_message
from tests.two_factor import authenticator_code

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"


def password_step(page: Page) -> None:
    page.goto("/signin")
    page.get_by_label("Email", exact=True).fill(LIAISON)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_liaison_sets_up_two_factor_and_signs_in_with_a_code(page: Page, settings) -> None:
    # The demo was loaded with the requirement off, so this liaison has no authenticator yet.
    settings.OTP_REQUIRED_FOR_POLICE = True
    liaison = User.objects.get(email=LIAISON)

    password_step(page)
    expect(status_message(page, "You are signed in as PCSO Priya Shah.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    # Nothing else opens until it is set up.
    page.goto("/review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")

    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page.get_by_text("This is not your current password.")).to_be_visible()
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Set up two-factor sign-in").click()

    key = page.locator(".two-factor__secret")
    expect(key).to_have_text(re.compile(r"^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$"))
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    link = page.get_by_role("link", name="open the authenticator app")
    expect(link).to_have_attribute("href", re.compile(r"^otpauth://totp/Patchwatch"))
    secret = key.inner_text()

    page.get_by_label("6-digit code").fill(authenticator_code(liaison, secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery = codes.nth(0).inner_text()
    assert re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", recovery)
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(status_message(page, "Two-factor sign-in is on.")).to_be_visible()
    page.goto("/review")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Set up two-factor sign-in")
    sign_out(page)

    # Signing in now takes a code after the password.
    password_step(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    code_field = page.get_by_label("Code from your authenticator app")
    code_field.fill("000000" if authenticator_code(liaison) != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("This code is not right.")).to_be_visible()
    code_field.fill(authenticator_code(liaison, secret))
    page.get_by_role("button", name="Sign in").click()
    expect(status_message(page, "You are signed in as PCSO Priya Shah.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/review$"))
    sign_out(page)

    # And once with a recovery code instead.
    password_step(page)
    page.get_by_role("button", name="Use a recovery code").click()
    page.get_by_label("Recovery code").fill(recovery)
    page.get_by_role("button", name="Sign in").click()
    expect(status_message(page, "You are signed in as PCSO Priya Shah.")).to_be_visible()
    page.goto("/profile/two-factor")
    expect(
        page.get_by_text("Two-factor sign-in is on. 9 of 10 recovery codes left.")
    ).to_be_visible()
