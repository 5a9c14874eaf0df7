"""Alerts as the people they are for meet them, at 360 px:

- a volunteer who has just joined and never opened their alert settings receives a liaison's
  all-members alert in the inbox, and by email at a real SMTP server;
- an alert, its update and its cancellation read as one thread, newest first, cancelled;
- a coordinator at the daily limit is told why an update is refused, and can still cancel;
- the liaison answers a volunteer's reply, and the volunteer finds the answer.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from notifications.models import Alert, Notice, Preference, Reply
from schemes.models import Membership
from tests.browser.pages import card, sign_in, sign_out, status_message
from tests.processes import smtp_server

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"
DAVID = "david@example.org"  # coordinator of South Cambs Rural Watch and Haslingfield Speedwatch
JOAN = "joan@example.org"  # a Haslingfield Speedwatch volunteer who never saved alert settings
RURAL_WATCH = "South Cambs Rural Watch"
HARE_COURSING = "Hare coursing reported near Haslingfield"  # the demo liaison's alert
MARGARET = "margaret@example.org"  # coordinator of Mill Road, who sent the demo's SCAM alert
SCAM = "Bogus water board callers on Mill Road"

NEWCOMER = "Sam Ashby"
NEWCOMER_EMAIL = "sam.ashby@example.org"
NEWCOMER_PASSWORD = "gate-latch-meadow-7"
TITLE = "Hare coursing near Haslingfield"


@pytest.fixture(autouse=True)
def _requests_settled(page: Page):
    """Let the screen's last requests finish before the database is emptied."""
    yield
    page.wait_for_load_state("networkidle")


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on loopback that the live server sends its email to."""
    with smtp_server() as (sink, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        yield sink


def test_a_volunteer_who_just_joined_receives_a_liaisons_alert_in_the_inbox_and_by_email(
    page: Page, settings, mailbox
) -> None:
    settings.GEOCODER = "gazetteer"
    # Sam signs up and asks to join the rural watch around Haslingfield.
    page.goto("/signup")
    page.get_by_label("Full name", exact=True).fill(NEWCOMER)
    page.get_by_label("Email", exact=True).fill(NEWCOMER_EMAIL)
    page.get_by_label("Password", exact=True).fill(NEWCOMER_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(status_message(page, f"Welcome to Patchwatch, {NEWCOMER}.")).to_be_visible()
    page.goto("/")
    page.get_by_label("Postcode or place").fill("Haslingfield")
    page.get_by_role("button", name="Search", exact=True).click()
    card(page, RURAL_WATCH).get_by_role("link", name=RURAL_WATCH).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(RURAL_WATCH)
    page.get_by_role("button", name="Request to join").click()
    expect(
        status_message(page, f"Your request to join {RURAL_WATCH} has been sent.")
    ).to_be_visible()
    sign_out(page)

    # Its coordinator approves.
    sign_in(page, DAVID)
    page.goto("/join-requests")
    card(page, NEWCOMER).get_by_role("button", name="Approve").click()
    expect(status_message(page, f"{NEWCOMER} is now a member of {RURAL_WATCH}.")).to_be_visible()
    sign_out(page)
    assert Membership.objects.get(user__email=NEWCOMER_EMAIL).status == "active"

    # The liaison finds Haslingfield on the map and sends an alert to all members around it.
    sign_in(page, LIAISON)
    page.goto("/alerts/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("New alert")
    page.get_by_label("Find a place on the map").fill("Haslingfield")
    page.get_by_label("Find a place on the map").press("Enter")
    expect(page.get_by_role("status").filter(has_text="The map shows")).to_have_text(
        "The map shows Haslingfield now. Tap the map at the centre, or use "
        "“Put the centre at the cross”."
    )
    page.get_by_role("button", name="Put the centre at the cross").click()
    expect(page.locator("#area-drawer-status")).to_have_text(
        "Circle of 1 km round 52.14900, 0.05700."
    )
    page.get_by_label("Radius").select_option(label="3 km")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Message", exact=True).fill(
        "Three 4x4s with lurchers on the fields off Barton Road. Do not approach them: note "
        "registrations and call 999."
    )
    page.get_by_label("Category", exact=True).select_option(label="Hare coursing")
    page.get_by_role("radio", name=re.compile("^Severe")).check()
    page.get_by_role("radio", name=re.compile("^Immediate")).check()
    expect(page.get_by_role("radio", name=re.compile("^All members"))).to_be_checked()
    reach = page.get_by_role("region", name="Who it reaches")
    expect(reach.get_by_role("listitem").filter(has_text=RURAL_WATCH)).to_have_count(1)
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_role("button", name="Publish now").click()
    expect(status_message(page, "Alert published.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    sign_out(page)

    alert = Alert.objects.get(title=TITLE)
    # Sam never opened the settings: nothing saved, the defaults worked out.
    assert not Preference.objects.filter(user__email=NEWCOMER_EMAIL).exists()
    assert sorted(
        Notice.objects.filter(alert=alert, recipient__email=NEWCOMER_EMAIL).values_list(
            "channel", "state"
        )
    ) == [("email", "sent"), ("in_app", "sent")]

    # The email reached the mail server, with a link to the alert.
    sent = Notice.objects.filter(alert=alert, channel="email", state="sent").count()
    messages = mailbox.wait_for(sent, timeout=30)
    to_sam = [message for message in messages if message["To"] == NEWCOMER_EMAIL]
    assert [message["Subject"] for message in to_sam] == [f"[Patchwatch] {TITLE}"]
    assert f"/alerts/{alert.pk}" in to_sam[0].get_payload(decode=True).decode()

    # And it is in Sam's inbox, unread until opened.
    sign_in(page, NEWCOMER_EMAIL, password=NEWCOMER_PASSWORD)
    page.goto("/alerts")
    notice = card(page, TITLE)
    expect(notice).to_contain_text("Unread")
    expect(notice).to_contain_text("From PCSO Priya Shah, police liaison")
    notice.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Marked as read.")).to_be_visible()
    page.goto("/alerts?unread=true")
    expect(page.get_by_role("status").filter(has_text="unread alert")).to_have_text(
        "0 unread alerts."
    )

    # The settings show what applied all along.
    page.goto("/alerts/settings")
    summary = page.get_by_role("region", name="What you get now")
    expect(summary).to_contain_text("You have not changed your alert settings")
    expect(summary).to_contain_text(f"by email to {NEWCOMER_EMAIL}")
    expect(page.get_by_label("Email", exact=True)).to_be_checked()
    expect(page.get_by_label("Every kind of alert")).to_be_checked()


def test_an_update_and_a_cancellation_read_as_one_thread(page: Page) -> None:
    original = Alert.objects.get(title=HARE_COURSING)
    sign_in(page, LIAISON)
    page.goto(f"/alerts/{original.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(HARE_COURSING)
    page.get_by_role("button", name="Update", exact=True).click()
    page.get_by_label("Message", exact=True).fill("The 4x4s are now heading towards Comberton.")
    page.get_by_role("button", name="Publish update").click()
    expect(status_message(page, "Update published")).to_be_visible()
    page.get_by_role("button", name="Cancel alert").click()
    page.get_by_label("Reason").fill("Both vehicles stopped near Comberton. Thank you.")
    page.get_by_role("button", name="Cancel the alert").click()
    expect(status_message(page, "Alert cancelled.")).to_be_visible()
    sign_out(page)

    # Joan had the alert (she never saved settings); her inbox has one card for all three.
    sign_in(page, JOAN)
    page.goto("/alerts")
    cards = page.get_by_role("article")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Cancelled")
    expect(cards.first).to_contain_text("Both vehicles stopped near Comberton.")
    # Opened from the original alert's own address: the same thread.
    page.goto(f"/alerts/{original.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(HARE_COURSING)
    expect(page.locator(".incident-status")).to_have_text(
        "Cancelled It is over: the latest message says why."
    )
    messages = page.get_by_role("region", name="Messages, newest first").get_by_role("article")
    expect(messages).to_have_count(3)
    expect(messages.nth(0)).to_contain_text("Cancellation")
    expect(messages.nth(0)).to_contain_text("Both vehicles stopped near Comberton.")
    expect(messages.nth(1)).to_contain_text("Update")
    expect(messages.nth(1)).to_contain_text("heading towards Comberton")
    expect(messages.nth(2)).to_contain_text("Alert")
    expect(messages.nth(2)).to_contain_text("(the link you followed)")
    expect(page.get_by_role("main")).not_to_contain_text("Published")
    expect(page.get_by_role("main")).not_to_contain_text("Current")
    expect(page.get_by_text("Marked as read.")).to_be_visible()
    page.goto("/alerts?unread=true")
    expect(page.get_by_role("status").filter(has_text="unread alert")).to_have_text(
        "0 unread alerts."
    )
    assert set(Alert.objects.filter(incident=original).values_list("status", flat=True)) == {
        "cancelled"
    }
    assert not Notice.objects.filter(recipient__email=JOAN, read_at__isnull=True).exists()


def test_a_coordinator_at_the_daily_limit_is_told_why_an_update_is_refused(
    page: Page, settings
) -> None:
    """Margaret sent the Mill Road alert today; with one message a day allowed she may not
    update it, and the form says why and what she can still do, which then works."""
    settings.NOTIFICATIONS_COORDINATOR_DAILY_LIMIT = 1
    scam = Alert.objects.get(title=SCAM)
    sign_in(page, MARGARET)
    page.goto(f"/alerts/{scam.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(SCAM)
    # The volunteer's reply loads above the Update button and moves it down: pressed before,
    # the tap can land where the button was.
    replies = page.get_by_role("region", name="Replies")
    expect(replies.get_by_role("listitem").first).to_contain_text("Two men in hi-vis")
    page.get_by_role("button", name="Update", exact=True).click()
    page.get_by_label("Message", exact=True).fill("They were seen again on Mill Road at 3 pm.")
    page.get_by_role("button", name="Publish update").click()
    expect(page.get_by_role("alert")).to_have_text(
        "There is a problem"
        "Coordinators may publish 1 alert or update a day; you have reached the limit. "
        "Your police liaison can publish more. You can still cancel the alert."
    )
    assert not Alert.objects.filter(references=scam).exists()
    page.get_by_role("button", name="Cancel", exact=True).click()
    page.get_by_role("button", name="Cancel alert").click()
    page.get_by_label("Reason").fill("The callers were genuine water board staff.")
    page.get_by_role("button", name="Cancel the alert").click()
    expect(status_message(page, "Alert cancelled.")).to_be_visible()
    assert Alert.objects.get(references=scam).message_type == "Cancel"


def test_the_liaison_answers_a_reply_and_the_volunteer_reads_the_answer(page: Page) -> None:
    alert = Alert.objects.get(title=HARE_COURSING)
    sign_in(page, JOAN)
    page.goto(f"/alerts/{alert.pk}")
    page.get_by_label("Your reply", exact=True).fill("A silver Land Rover on Barton Road at 2.")
    page.get_by_role("button", name="Send reply").click()
    expect(status_message(page, "Reply sent to the sender of the alert.")).to_be_visible()
    expect(page.get_by_text("No answer yet.")).to_be_visible()
    sign_out(page)

    sign_in(page, LIAISON)
    page.goto("/alerts/issued")
    waiting = page.get_by_role("link", name=re.compile(r"alerts? ha(s|ve) new replies"))
    expect(waiting).to_have_text("2 alerts have new replies")  # this one, and Mill Road's
    card(page, HARE_COURSING).get_by_role("link", name="1 new reply").click()
    replies = page.get_by_role("region", name="Replies")
    expect(replies.get_by_role("status").filter(has_text="new repl")).to_have_text(
        "1 new reply, now marked as read."
    )
    replies.get_by_role("button", name="Answer to Joan Patel").click()
    replies.get_by_label("Your answer to Joan Patel").fill(
        "Thank you Joan: a patrol is on its way."
    )
    replies.get_by_role("button", name="Send answer").click()
    expect(replies.get_by_text("Answer sent to Joan Patel.")).to_be_visible()
    expect(replies).to_contain_text("Answered by PCSO Priya Shah")
    page.goto("/alerts/issued")
    expect(page.get_by_role("link", name="1 alert has new replies")).to_be_visible()
    expect(card(page, HARE_COURSING)).not_to_contain_text("new reply")
    sign_out(page)

    sign_in(page, JOAN)
    page.goto("/alerts")
    expect(card(page, HARE_COURSING)).to_contain_text("New answer")
    card(page, HARE_COURSING).get_by_role("link", name=HARE_COURSING).click()
    mine = page.get_by_role("region", name="Reply to the sender")
    expect(mine).to_contain_text("Answer from PCSO Priya Shah")
    expect(mine).to_contain_text("Thank you Joan: a patrol is on its way.")
    page.goto("/alerts")
    expect(card(page, HARE_COURSING)).not_to_contain_text("New answer")
    reply = Reply.objects.get(author__email=JOAN)
    assert (reply.answer, reply.answered_by.email) == (
        "Thank you Joan: a patrol is on its way.",
        LIAISON,
    )
    assert reply.answer_read_at is not None


def test_a_coordinator_publishes_over_their_schemes_area_as_it_starts(page: Page) -> None:
    sign_in(page, "margaret@example.org")
    page.goto("/alerts/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("New alert")
    page.get_by_label("Send for").select_option(label="Mill Road Neighbourhood Watch")
    # The area starts as the scheme's own: the widest a coordinator's alert may be.
    expect(page.locator("#area-drawer-status")).to_have_text(
        "Circle of 700 m round 52.19850, 0.14100."
    )
    expect(page.get_by_label("Radius")).to_have_value("700")

    # Errors go as soon as each field is put right.
    page.get_by_role("button", name="Publish", exact=True).click()
    title_error = page.get_by_text("Give the alert a title.")
    expect(title_error).to_be_visible()
    expect(page.get_by_text("Choose a category.")).to_be_visible()
    page.get_by_label("Title", exact=True).fill("Parcel thefts from doorsteps")
    expect(title_error).to_have_count(0)
    expect(page.get_by_text("Choose a category.")).to_be_visible()
    page.get_by_label("Message", exact=True).fill(
        "Parcels taken from doorsteps on Mill Road this afternoon. Ask couriers to leave them "
        "with a neighbour."
    )
    page.get_by_label("Category", exact=True).select_option(label="Suspicious activity")
    expect(page.get_by_text("Choose a category.")).to_have_count(0)
    page.get_by_role("radio", name=re.compile("^Minor")).check()
    page.get_by_role("radio", name=re.compile("^Expected")).check()
    expect(page.locator("main .field-error")).to_have_count(0)

    reach = page.get_by_role("region", name="Who it reaches")
    expect(reach).to_contain_text("This alert will reach 1 scheme and 1 person.")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_role("button", name="Publish now").click()
    expect(status_message(page, "Alert published.")).to_be_visible()
    alert = Alert.objects.get(title="Parcel thefts from doorsteps")
    assert (alert.status, alert.scheme.name, alert.radius_m) == (
        "published",
        "Mill Road Neighbourhood Watch",
        700,
    )
    # Alex, the Mill Road volunteer, has it: he never saved settings.
    assert set(alert.notices.values_list("recipient__email", "channel")) == {
        ("volunteer@example.org", "in_app"),
        ("volunteer@example.org", "email"),
    }
