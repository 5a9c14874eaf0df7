"""Alerts at 360 px: a liaison draws an alert round two schemes and publishes it; their
coordinator finds it unread, reads it and replies, while a coordinator outside the area never
sees it; a coordinator reads the replies to her alert, and edits and deletes a draft; the
service worker shows a pushed alert; and every alert screen passes axe without sideways
scrolling."""

import json
import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from notifications.guidance import CATEGORY_GUIDANCE, DEFAULT_CONTACT
from notifications.models import Alert, Notice, Reply
from tests.browser.pages import card, menu, sign_in, sign_out, status_message, tap_map

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"
MARGARET = "margaret@example.org"  # coordinator of Mill Road and of Chesterton
VOLUNTEER = "volunteer@example.org"  # a Mill Road volunteer who opted in to alerts by email
DAVID = "david@example.org"  # coordinator of Haslingfield Speedwatch
HELEN = "helen@example.org"  # coordinator of Ely City, far to the north

MILL_ROAD = "Mill Road Neighbourhood Watch"
CHESTERTON = "Chesterton Neighbourhood Watch"
SCAM = "Bogus water board callers on Mill Road"
HARE_COURSING = "Hare coursing reported near Haslingfield"
TITLE = "Catalytic converter thefts overnight"
FLY_TIPPING = "Fly-tipping in the droves north of March"  # the liaison's draft

# The map opened on Cambridge (a shared link's view), and a polygon round Mill Road (52.1985,
# 0.1410, 700 m) and Chesterton (52.2195, 0.1360, 900 m) that keeps clear of Histon &
# Impington Speedwatch (52.252, 0.105, 1.8 km) to the north-west.
CAMBRIDGE = (52.2095, 0.1385, 12)
AROUND_BOTH = [(52.231, 0.115), (52.231, 0.162), (52.188, 0.162), (52.188, 0.115)]


@pytest.fixture(autouse=True)
def _requests_settled(page: Page):
    """Let the screen's last requests (the unread count, say) finish before the database is
    emptied: a query still running in the live server can deadlock with the flush."""
    yield
    page.wait_for_load_state("networkidle")


def unread_link(page: Page, count: int):
    return menu(page).get_by_role("link", name=f"Alerts {count} unread", exact=True)


def test_liaison_draws_an_alert_around_two_schemes(page: Page) -> None:
    sign_in(page, LIAISON)
    menu(page).get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    page.get_by_role("link", name="New alert").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New alert")
    page.goto("/alerts/new?lat={}&lon={}&zoom={}".format(*CAMBRIDGE))
    expect(page.get_by_role("heading", level=1)).to_have_text("New alert")

    page.get_by_label("Polygon", exact=True).check()
    drawing = page.get_by_role("region", name="Map: tap to add a corner of the alert area")
    for lat, lon in AROUND_BOTH:
        tap_map(page, drawing, CAMBRIDGE, lat, lon)
    area = page.locator("#area-drawer-status")
    expect(area).to_contain_text("4 corners")
    # A corner too many, taken back.
    tap_map(page, drawing, CAMBRIDGE, 52.21, 0.17)
    expect(area).to_contain_text("5 corners")
    page.get_by_role("button", name="Undo last point").click()
    expect(area).to_contain_text("4 corners")
    page.get_by_role("button", name="Close the shape").click()
    expect(area).to_have_text("Polygon with 4 corners, closed.")

    reach = page.get_by_role("region", name="Who it reaches")
    expect(reach).to_contain_text("This alert will reach 2 schemes and 2 people.")
    expect(reach.get_by_role("listitem")).to_have_text(
        [f"{CHESTERTON} (Neighbourhood Watch)", f"{MILL_ROAD} (Neighbourhood Watch)"]
    )

    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Message", exact=True).fill(
        "Three cars on Mill Road and one in Chesterton lost their catalytic converters last "
        "night. Park in a garage or a lit place, and report anyone jacking up a car to 999."
    )
    page.get_by_label("Category", exact=True).select_option(label="Vehicle crime")
    # What people should do starts as the category's usual advice; the area gets a name.
    instructions = CATEGORY_GUIDANCE["vehicle_crime"].instruction
    expect(page.get_by_label("Instructions", exact=True)).to_have_value(instructions)
    expect(page.get_by_label("Response asked for", exact=True)).to_have_value("Monitor")
    expect(page.get_by_label("Who to contact", exact=True)).to_have_value(DEFAULT_CONTACT)
    page.get_by_label("Name of the area (optional)", exact=True).fill("Mill Road and Chesterton")
    page.get_by_role("radio", name=re.compile("^Moderate")).check()
    page.get_by_role("radio", name=re.compile("^Expected")).check()
    # Both of them want vehicle crime alerts of this severity.
    expect(reach).to_contain_text("This alert will reach 2 schemes and 2 people.")
    expect(reach).not_to_contain_text("counted once you choose")

    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Send this alert now to 2 schemes and 2 people?")).to_be_visible()
    page.get_by_role("button", name="Publish now").click()
    expect(status_message(page, "Alert published.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    alert = Alert.objects.select_related("issuer").get(title=TITLE)
    assert (alert.status, alert.issuer.email, alert.category, alert.severity, alert.urgency) == (
        "published",
        LIAISON,
        "vehicle_crime",
        "Moderate",
        "Expected",
    )
    assert alert.radius_m is None and len(alert.boundary["coordinates"][0]) == 5
    assert (alert.instruction, alert.response_type, alert.contact, alert.area_name) == (
        instructions,
        "Monitor",
        DEFAULT_CONTACT,
        "Mill Road and Chesterton",
    )
    assert set(alert.matched_schemes.values_list("name", flat=True)) == {MILL_ROAD, CHESTERTON}
    in_app = Notice.objects.filter(alert=alert, channel="in_app")
    assert set(in_app.values_list("recipient__email", flat=True)) == {MARGARET, VOLUNTEER}
    # The page shows the figures of what was just delivered.
    expect(page.get_by_text("Sent to 2 people in 2 schemes; 0 of 2 have read it.")).to_be_visible()
    sign_out(page)

    # Margaret sent the demo's scam alert herself, so only this one is new to her.
    sign_in(page, MARGARET)
    unread_link(page, 1).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    notice = card(page, TITLE)
    expect(notice).to_contain_text("Unread")
    expect(notice).to_contain_text("From PCSO Priya Shah, police liaison")
    # Newest first.
    expect(page.get_by_role("article").first).to_contain_text(TITLE)
    notice.get_by_role("link", name=TITLE).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Marked as read.")).to_be_visible()
    advice = page.get_by_role("region", name="What to do")
    expect(advice).to_contain_text(instructions)
    expect(advice).to_contain_text(f"Contact: {DEFAULT_CONTACT}")
    expect(page.get_by_role("region", name="Map of the area the alert covers")).to_be_visible()
    expect(menu(page).get_by_role("link", name="Alerts", exact=True)).to_be_visible()
    margaret_notices = Notice.objects.filter(alert=alert, recipient__email=MARGARET)
    assert margaret_notices.count() == 2  # in the app and by email, a coordinator's default
    assert not margaret_notices.filter(read_at__isnull=True).exists()

    page.get_by_label("Your reply", exact=True).fill("One more on Victoria Avenue, about 2 am.")
    page.get_by_role("button", name="Send reply").click()
    expect(status_message(page, "Reply sent to the sender of the alert.")).to_be_visible()
    assert list(Reply.objects.filter(alert=alert).values_list("author__email", "body")) == [
        (MARGARET, "One more on Victoria Avenue, about 2 am.")
    ]

    menu(page).get_by_role("link", name="Alerts").click()
    expect(card(page, TITLE)).not_to_contain_text("Unread")
    assert not Notice.objects.filter(recipient__email=MARGARET, read_at__isnull=True).exists()
    sign_out(page)

    # A Mill Road volunteer had the scam alert, the demo's survey of Mill Road and now this
    # one; one is marked read from the inbox without opening it.
    sign_in(page, VOLUNTEER)
    unread_link(page, 3).click()
    card(page, SCAM).get_by_role("button", name="Mark as read").click()
    expect(status_message(page, f"Marked as read: {SCAM}.")).to_be_visible()
    expect(card(page, SCAM)).not_to_contain_text("Unread")
    expect(card(page, TITLE)).to_contain_text("Unread")
    expect(unread_link(page, 2)).to_be_visible()
    sign_out(page)

    sign_in(page, HELEN)
    menu(page).get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("status").filter(has_text="alert")).to_have_text("0 alerts.")
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)
    page.goto(f"/alerts/{alert.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alert not found")
    assert not Notice.objects.filter(alert=alert, recipient__email=HELEN).exists()


def test_service_worker_shows_a_pushed_alert(
    page: Page, context: BrowserContext, live_server, settings
) -> None:
    # A P-256 public key, as a site with web push switched on publishes it.
    settings.WEBPUSH_VAPID_PUBLIC_KEY = (
        "BF6giwhrOwVTyAjVm-CE2UMoEW_gzl62S646XEbYDXzIQcAucOAHgBkDjsrmA0-zs3o5AT66D_xA3NY--4sqgdU"
    )
    context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(page, VOLUNTEER)
    page.goto("/alerts/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alert settings")
    page.get_by_role("button", name="Allow notifications").click()
    # Headless Chromium's windows are private ones, which the Push API refuses: said plainly.
    expect(page.get_by_role("alert")).to_contain_text("This browser would not set up notifications")

    # The worker was registered from the site's root, so it covers every page.
    registrations = page.evaluate(
        "() => navigator.serviceWorker.getRegistrations()"
        ".then(all => all.map(r => [r.scope, r.active && r.active.scriptURL]))"
    )
    assert registrations == [[f"{live_server.url}/", f"{live_server.url}/sw.js"]]

    # A push message, delivered to the worker as the push service would, once the worker is
    # activated (a push sent to one still activating can be lost) and DevTools knows it: on a
    # busy machine either can take a while, so each is waited for rather than assumed.
    devtools = context.new_cdp_session(page)
    registrations_seen: list[dict] = []
    versions_seen: list[dict] = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations_seen.extend(event["registrations"]),
    )
    devtools.on(
        "ServiceWorker.workerVersionUpdated", lambda event: versions_seen.extend(event["versions"])
    )
    devtools.send("ServiceWorker.enable")
    assert page.evaluate(
        """async () => {
            for (let attempt = 0; attempt < 300; attempt++) {
                const registration = await navigator.serviceWorker.getRegistration('/');
                const active = registration && registration.active;
                if (active && active.state === 'activated') return true;
                await new Promise(resolve => setTimeout(resolve, 100));
            }
            return false;
        }"""
    )
    for _ in range(300):
        if registrations_seen and any(v["status"] == "activated" for v in versions_seen):
            break
        page.wait_for_timeout(100)
    registration = next(r for r in registrations_seen if not r["isDeleted"])
    assert registration["scopeURL"] == f"{live_server.url}/"
    payload = {
        "title": f"Update: {SCAM}",
        "body": "Now on Cavendish Road.",
        "url": "/alerts/2",
        "tag": "a1",
    }
    # wait_for_function would hand back the promise itself, so the page polls on its own.
    shown_within_ten_seconds = """async () => {
        const registration = await navigator.serviceWorker.ready;
        for (let attempt = 0; attempt < 100; attempt++) {
            const all = await registration.getNotifications();
            if (all.length) return all.map(n => [n.title, n.body, n.tag, n.data.url]);
            await new Promise(resolve => setTimeout(resolve, 100));
        }
        return [];
    }"""
    # DevTools hands the message over as a push service would, and on a busy machine it has
    # been seen to drop one (the worker shows nothing); a push service tries again, and so
    # does this, at most three times. The same tag means a second delivery replaces the first.
    shown: list = []
    for _ in range(3):
        devtools.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": live_server.url,
                "registrationId": registration["registrationId"],
                "data": json.dumps(payload),
            },
        )
        shown = page.evaluate(shown_within_ten_seconds)
        if shown:
            break
    # Tapping it opens the alert on this site.
    assert shown == [[payload["title"], payload["body"], "a1", f"{live_server.url}/alerts/2"]]


def test_coordinator_reads_replies_and_liaison_reworks_a_draft(page: Page) -> None:
    sign_in(page, MARGARET)
    page.goto("/alerts/issued")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sent alerts")
    # Her own alerts only (the scam alert and the one that carried her survey): not the
    # liaison's, which reached neither of her schemes anyway.
    expect(page.get_by_role("article")).to_have_count(2)
    expect(card(page, "Survey: Street lighting around Mill Road")).to_be_visible()
    card(page, SCAM).get_by_role("link", name="1 new reply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SCAM)
    replies = page.get_by_role("region", name="Replies")
    # "1 new reply." until they are marked read a moment later, then "..., now marked as read."
    expect(replies.get_by_role("status").filter(has_text="new repl")).to_contain_text("1 new reply")
    reply = replies.get_by_role("listitem")
    expect(reply).to_contain_text("New")
    expect(reply).to_contain_text("they left when asked for ID")
    # Reading them marks them read, so they are no longer new next time: the screen says so
    # once the server has recorded it (network idleness can come before the request is sent).
    expect(replies.get_by_role("status").filter(has_text="new repl")).to_contain_text(
        "now marked as read"
    )
    assert not Reply.objects.filter(alert__title=SCAM, read_at__isnull=True).exists()
    page.goto("/alerts/issued")
    expect(card(page, SCAM)).not_to_contain_text("new reply")
    sign_out(page)

    sign_in(page, LIAISON)
    page.goto("/alerts/issued?status=draft&mine=1")
    expect(page.get_by_label("Issued by")).to_have_value("1")
    card(page, FLY_TIPPING).get_by_role("link", name=FLY_TIPPING).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FLY_TIPPING)
    page.get_by_role("link", name="Edit draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit draft")
    # The form holds the draft as it was saved.
    expect(page.get_by_label("Title", exact=True)).to_have_value(FLY_TIPPING)
    expect(page.get_by_label("Radius")).to_have_value("5000")
    expect(page.get_by_label("Countryside Watch")).to_be_checked()
    reach = page.get_by_role("region", name="Who it reaches")
    expect(reach).to_contain_text("This alert will reach")
    page.get_by_label("Title", exact=True).fill("Fly-tipping in the droves around March")
    page.get_by_role("radio", name=re.compile("^Moderate")).check()
    page.get_by_role("button", name="Save draft").click()
    expect(status_message(page, "Draft saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fly-tipping in the droves around March"
    )
    draft = Alert.objects.get(title="Fly-tipping in the droves around March")
    assert (draft.status, draft.severity, draft.radius_m, draft.scheme_kinds) == (
        "draft",
        "Moderate",
        5000,
        ["countryside"],
    )

    page.get_by_role("button", name="Delete draft").click()
    expect(page.get_by_text("Delete this draft? It has not been sent to anyone.")).to_be_visible()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(status_message(page, "Draft deleted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts in your force")
    assert not Alert.objects.filter(pk=draft.pk).exists()
    assert not Notice.objects.filter(alert_id=draft.pk).exists()


def test_the_delivery_figures_show_what_notify_reported(page: Page) -> None:
    """Texts sent by GOV.UK Notify: one delivered, one it could not deliver, by its receipts."""
    from accounts.models import User

    alert = Alert.objects.get(title=HARE_COURSING)
    people = User.objects.exclude(notices__alert=alert, notices__channel="sms").order_by("pk")
    for person, receipt in zip(people[:2], ["delivered", "permanent_failure"], strict=True):
        Notice.objects.create(
            alert=alert, recipient=person, channel="sms", state="sent", receipt=receipt
        )
    sign_in(page, LIAISON)
    page.goto(f"/alerts/{alert.pk}")
    texts = page.locator(".delivery__channel").filter(has_text="Text message: 2")
    expect(texts.get_by_text("Not delivered")).to_be_visible()
    figures = {
        item.locator("dt").inner_text(): item.locator("dd").inner_text()
        for item in texts.locator(".figures__item").all()
    }
    assert figures == {
        "Sent": "2",
        "Waiting": "0",
        "Failed": "0",
        "Delivered": "1",
        "Not delivered": "1",
        "Read": "0",
    }
