"""Letters posted through GOV.UK Notify at 360 px (against the local Notify of
tests/fake_notify.py): a liaison posts the letters that have their keeper's address, after
being told how many and with what postage, and follows each one's status; and the same screen
in Welsh, passing axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.pages import sign_in
from tests.browser.test_accessibility import serious_violations
from tests.test_notify_rate_limit import clear_bucket
from watch.letters import letters_from
from watch.models import Action, ActionStatus, KeeperAddress, Offence, PostedLetter
from watch.services.posting import posted_letters_poll

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"


@pytest.fixture
def posting(fake_notify, settings):
    settings.LETTER_PROVIDER = "notify"
    settings.NOTIFY_LETTER_POSTAGE = "first"
    clear_bucket()
    return fake_notify


def _address_the_first_letter() -> str:
    """The keeper's name and address of the first waiting letter in Cambridgeshire."""
    letter = letters_from(
        Offence.objects.filter(
            force="cambridgeshire",
            action_status=ActionStatus.PENDING,
            submitted=True,
            voided=False,
        ).exclude(action=Action.NONE)
    )[0]
    KeeperAddress.objects.create(
        reference=letter.reference,
        force="cambridgeshire",
        registration=letter.registration,
        name="Gwen Ap Rhys",
        address_lines=["12 Heol yr Eglwys", "Llanfair"],
        postcode="LL61 5UT",
        stored_at=timezone.now(),
    )
    return letter.reference


def test_liaison_posts_the_addressed_letters_and_follows_them(page: Page, posting) -> None:
    reference = _address_the_first_letter()
    sign_in(page, LIAISON)
    page.goto("/speedwatch/letters")
    expect(page.get_by_role("status").filter(has_text="10 letters.")).to_be_visible()
    section = page.get_by_role("region", name="Post the letters through GOV.UK Notify")
    expect(section).to_contain_text("Notify prints it and posts it first class.")
    expect(section).to_contain_text(
        "1 letter is ready to post. 9 letters have no keeper’s address yet: add them above, "
        "or print them and post them yourself."
    )
    posted = page.get_by_role("region", name="Posted letters")
    expect(posted).to_contain_text("No letters have been posted through GOV.UK Notify yet.")

    section.get_by_role("button", name="Post these letters").click()
    expect(section.get_by_role("group")).to_contain_text(
        "Post 1 letter first class through GOV.UK Notify? Once posted, it cannot be called "
        "back from here."
    )
    section.get_by_role("button", name="Post now").click()
    expect(section.get_by_role("status")).to_have_text("1 letter handed to GOV.UK Notify to post.")
    expect(section).to_contain_text("No letter is ready to post")
    expect(page.get_by_role("status").filter(has_text="9 letters.")).to_be_visible()
    letter = posted.get_by_role("article", name=reference)
    expect(letter).to_contain_text("With GOV.UK Notify")
    expect(letter).to_contain_text("First letter")
    expect(letter).to_contain_text("First class")
    assert [(m["reference"], m["postage"]) for m in posting.letters()] == [(reference, "first")]

    # Notify's printer takes it; the poller finds out.
    row = PostedLetter.objects.get()
    posting.letter_status(str(row.notification_id), "received")
    assert posted_letters_poll(now=timezone.now() + timedelta(hours=2)) == 1
    page.reload()
    expect(posted.get_by_role("article", name=reference)).to_contain_text("Printed and posted")
    posted.get_by_label("Status").select_option("failed")
    posted.get_by_role("button", name="Show posted letters").click()
    expect(posted).to_contain_text("No posted letters match.")
    assert len(posting.letters()) == 1


def test_the_letters_screen_in_welsh_posts_and_passes_axe(page: Page, posting) -> None:
    reference = _address_the_first_letter()
    sign_in(page, LIAISON)
    # Their choice, made on another phone: the app takes it up as it opens.
    User.objects.filter(email=LIAISON).update(language="cy")
    page.goto("/speedwatch/letters")
    expect(page.get_by_role("heading", level=1)).to_have_text("Llythyrau")
    expect(page.get_by_role("status").filter(has_text="10 llythyr.")).to_be_visible()
    section = page.get_by_role("region", name="Postio’r llythyrau drwy GOV.UK Notify")
    expect(section).to_contain_text("Mae 1 llythyr yn barod i’w bostio.")
    expect(
        page.get_by_role("heading", name="Ychwanegu enwau a chyfeiriadau’r ceidwaid")
    ).to_be_visible()
    # The parts this screen gained (the rest of it is checked in test_accessibility.py, where
    # no posting section pushes the queue down under the sticky selection bar).
    for part in ("post-heading", "posted-heading", "keeper-upload-heading"):
        assert page.locator(f"[aria-labelledby='{part}']").count() == 1
        assert serious_violations(page, include=f"[aria-labelledby='{part}']") == []
    section.get_by_role("button", name="Postio’r llythyrau hyn").click()
    expect(section.get_by_role("group")).to_contain_text(
        "Postio 1 llythyr dosbarth cyntaf drwy GOV.UK Notify?"
    )
    section.get_by_role("button", name="Postio nawr").click()
    expect(section.get_by_role("status")).to_have_text(
        "Rhoddwyd 1 llythyr i GOV.UK Notify i’w bostio."
    )
    posted = page.get_by_role("region", name="Llythyrau a bostiwyd")
    expect(posted.get_by_role("article", name=reference)).to_contain_text("Gyda GOV.UK Notify")
    assert serious_violations(page, include="[aria-labelledby='posted-heading']") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
