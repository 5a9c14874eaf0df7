"""An alert composed from a template goes out only once a second liaison approves it, at
360 px: the liaison fills the form from Cambridgeshire's hare coursing template, fills in
its placeholders and publishes; the force holds it (Severe alerts need approval); another
liaison of the force reads it with its reach and approves it, and it is sent."""

import re

import pytest
from playwright.sync_api import Page, expect

from notifications.models import Alert, AlertApprovalPolicy, Notice
from tests.browser.pages import sign_in, sign_out, status_message
from tests.factories import PASSWORD, LiaisonFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"  # PCSO Priya Shah
APPROVER = "dan.okafor@example.org"
RURAL_WATCH = "South Cambs Rural Watch"
TITLE = "Hare coursing near Haslingfield"
BODY = (
    "Vehicles with dogs were seen on farmland near Haslingfield at 7am on 7 December: "
    "two 4x4s with lurchers."
)


@pytest.fixture(autouse=True)
def _requests_settled(page: Page):
    """Let the screen's last requests finish before the database is emptied."""
    yield
    page.wait_for_load_state("networkidle")


def test_an_alert_from_a_template_is_sent_once_a_second_liaison_approves_it(
    page: Page, settings
) -> None:
    settings.GEOCODER = "gazetteer"
    AlertApprovalPolicy.objects.create(force="cambridgeshire", min_severity="Severe")
    LiaisonFactory(force="cambridgeshire", user__name="PC Dan Okafor", user__email=APPROVER)

    sign_in(page, LIAISON)
    page.goto("/alerts/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("New alert")
    page.get_by_label("Template", exact=True).select_option(label="Hare coursing")
    page.get_by_role("button", name="Fill in the form").click()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Hare coursing near {place}")
    expect(page.get_by_label("Category", exact=True)).to_have_value("hare_coursing")
    expect(page.get_by_role("radio", name=re.compile("^Severe"))).to_be_checked()
    warning = page.locator(".placeholder-warning")
    expect(warning).to_contain_text("{place}: Where it happened: a street, village or landmark.")
    expect(warning.get_by_role("listitem")).to_have_count(4)

    page.get_by_label("Find a place on the map").fill("Haslingfield")
    page.get_by_label("Find a place on the map").press("Enter")
    # The cross is at Haslingfield only once the map has moved there.
    expect(page.get_by_role("status").filter(has_text="The map shows")).to_contain_text(
        "The map shows Haslingfield now."
    )
    page.get_by_role("button", name="Put the centre at the cross").click()
    expect(page.locator("#area-drawer-status")).to_have_text(
        "Circle of 1 km round 52.14900, 0.05700."
    )
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Message", exact=True).fill(BODY)
    expect(warning).to_have_count(0)
    page.get_by_role("radio", name=re.compile("^Immediate")).check()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_role("button", name="Publish now").click()
    expect(status_message(page, "Submitted for approval")).to_be_visible()
    expect(page.locator(".approval-status")).to_contain_text("Awaiting approval.")
    alert = Alert.objects.get(title=TITLE)
    assert (alert.status, alert.approval, Notice.objects.filter(alert=alert).count()) == (
        "draft",
        "awaiting",
        0,
    )
    sign_out(page)

    sign_in(page, APPROVER, PASSWORD)
    page.goto("/alerts/approvals")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts awaiting approval")
    held = page.get_by_role("article").filter(has=page.get_by_role("heading", name=TITLE))
    expect(held).to_contain_text("Submitted by PCSO Priya Shah")
    expect(held).to_contain_text(BODY)
    expect(held.get_by_role("region", name="Map of the area the alert covers")).to_be_visible()
    expect(held.get_by_role("listitem").filter(has_text=RURAL_WATCH)).to_have_count(1)
    held.get_by_role("button", name="Approve and send").click()
    held.get_by_role("button", name="Yes, send it now").click()
    expect(status_message(page, f"Approved: “{TITLE}” is being sent.")).to_be_visible()
    expect(page.get_by_text("No alerts are waiting for approval.")).to_be_visible()

    alert.refresh_from_db()
    assert (alert.status, alert.approval) == ("published", "approved")
    assert Notice.objects.filter(alert=alert, channel="in_app").exists()
