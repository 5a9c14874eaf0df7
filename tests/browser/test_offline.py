"""Offline and installable, at 360 px through the built app and its service worker: a
coordinator reloads a session at the roadside with no signal, logs and submits it, and it
reaches the server once the signal returns; a session is even started without a signal; any
screen seen before reloads offline with its last data and says it is offline; signing out
forgets what the phone saved; the manifest is valid and Chromium finds the app installable;
and a new version takes over when the person chooses to reload."""

import json
import re
import shutil
import struct
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Playwright, Route, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from schemes.models import Scheme
from tests.browser.conftest import OFF_SITE, PHONE
from tests.browser.pages import sign_in, sign_out, status_message
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_speedwatch import (
    HIGH_STREET,
    TEAM,
    local_input,
    log_offence,
    past_daylight_hour,
)
from watch.models import Session

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

COORDINATOR = "david@example.org"  # Haslingfield Community Speedwatch
VOLUNTEER = "volunteer@example.org"  # Mill Road Neighbourhood Watch
MILL_ROAD = "Mill Road Neighbourhood Watch"
SCAM = "Bogus water board callers on Mill Road"  # in the volunteer's inbox
SUBMITTED = "Session submitted. The police liaison will send the letters."
QUEUED = "No signal: the session will be submitted as soon as everything has uploaded."


def wait_for_service_worker(page: Page) -> None:
    """The worker installs once the first page has loaded and then takes charge of it;
    only from then on does the app survive a reload without a signal."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def offline_notice(page: Page) -> Locator:
    return page.get_by_role("status").filter(has_text=re.compile(r"^You are offline\."))


def saved_api_paths(page: Page) -> set[str]:
    """The API reads the service worker keeps for use offline, by path and query."""
    return set(
        page.evaluate(
            """async () => {
                const cache = await caches.open('patchwatch-api');
                const urls = (await cache.keys()).map(request => new URL(request.url));
                return urls.map(url => url.pathname + url.search);
            }"""
        )
    )


def expiration_records(page: Page) -> set[str]:
    """The URLs Workbox's expiration keeps dates for (in IndexedDB), by path and query."""
    return set(
        page.evaluate(
            """async () => {
                const names = (await indexedDB.databases()).map(database => database.name);
                if (!names.includes('workbox-expiration')) return [];
                const db = await new Promise((resolve, reject) => {
                    const opening = indexedDB.open('workbox-expiration');
                    opening.onsuccess = () => resolve(opening.result);
                    opening.onerror = () => reject(opening.error);
                });
                const entries = await new Promise((resolve, reject) => {
                    const store = db.transaction('cache-entries').objectStore('cache-entries');
                    const reading = store.getAll();
                    reading.onsuccess = () => resolve(reading.result);
                    reading.onerror = () => reject(reading.error);
                });
                db.close();
                return entries.map(entry => new URL(entry.url))
                    .map(url => url.pathname + url.search);
            }"""
        )
    )


def app_storage(page: Page) -> list[str]:
    return page.evaluate(
        "() => Object.keys(localStorage).filter(key => key.startsWith('patchwatch.')).sort()"
    )


def fill_session_form(page: Page, start, site: str = HIGH_STREET) -> None:
    page.get_by_label("Site", exact=True).select_option(label=f"{site} (30 mph)")
    for name in TEAM:
        page.get_by_label(name, exact=True).check()
    page.get_by_label("Start", exact=True).fill(local_input(start))
    page.get_by_label("End", exact=True).fill(local_input(start + timedelta(hours=1)))
    page.get_by_label("Device name", exact=True).fill("Kustom Falcon HR")
    page.get_by_label("Serial number", exact=True).fill("FHR-20417")
    page.get_by_label("Last accuracy check", exact=True).fill(
        (start.date() - timedelta(days=30)).isoformat()
    )


def submit_session(page: Page, vehicles: str) -> None:
    page.get_by_label("Total vehicles", exact=True).fill(vehicles)
    page.get_by_role("button", name="Submit session").click()
    page.get_by_role("button", name="Submit", exact=True).click()


def test_coordinator_reloads_a_session_offline_and_it_reaches_the_server_once(
    page: Page, context: BrowserContext
) -> None:
    start, end = past_daylight_hour()
    submissions: list[str] = []
    page.on(
        "request",
        lambda request: (
            submissions.append(request.url)
            if request.method == "POST" and request.url.endswith("/submit/")
            else None
        ),
    )
    sign_in(page, COORDINATOR)
    wait_for_service_worker(page)
    page.goto("/speedwatch/sessions/new")
    fill_session_form(page, start)
    page.get_by_role("button", name="Start session").click()
    expect(status_message(page, f"Session started at {HIGH_STREET}.")).to_be_visible()
    log_offence(page, "AB12CDE", "41")
    expect(status_message(page, "Everything logged so far is uploaded.")).to_be_visible()
    session = Session.objects.get(started_at=start)

    # The signal goes; the coordinator reloads the page (a phone does when it wakes).
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session at {HIGH_STREET}")
    expect(offline_notice(page)).to_be_visible()
    expect(page.get_by_role("heading", name="Offences logged (1)")).to_be_visible()
    log_offence(page, "KX19LMN", "38")
    log_offence(page, "Y123ABC", "36")
    expect(status_message(page, "Offline — 2 entries waiting to upload.")).to_be_visible()
    submit_session(page, "212")
    expect(status_message(page, QUEUED)).to_be_visible()
    assert (session.offences.count(), Session.objects.get(pk=session.pk).status) == (1, "draft")
    assert submissions == []

    # The signal returns: everything goes up, then the submission, once.
    context.set_offline(False)
    expect(status_message(page, SUBMITTED)).to_be_visible()
    expect(page.get_by_role("heading", name="Offences (3)")).to_be_visible()
    expect(page.get_by_text("Submitted", exact=True).first).to_be_visible()
    expect(offline_notice(page)).to_have_count(0)

    session = Session.objects.get(started_at=start)
    assert (session.status, session.ended_at, session.vehicles_counted) == ("submitted", end, 212)
    assert sorted(session.offences.values_list("registration", "speed_mph")) == [
        ("AB12CDE", 41),
        ("KX19LMN", 38),
        ("Y123ABC", 36),
    ]
    assert len(submissions) == 1
    assert [key for key in app_storage(page) if ".drafts." in key] == []


def test_coordinator_starts_a_session_offline_at_a_site_seen_before(
    page: Page, context: BrowserContext
) -> None:
    start, _ = past_daylight_hour()
    sign_in(page, COORDINATOR)
    wait_for_service_worker(page)
    # Seen once with a signal: the approved sites and who can be ticked as present.
    page.goto("/speedwatch/sessions/new")
    page.get_by_label("Site", exact=True).select_option(label=f"{HIGH_STREET} (30 mph)")
    expect(page.get_by_label("Kevin Doyle", exact=True)).to_be_visible()

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a session")
    expect(offline_notice(page)).to_be_visible()
    fill_session_form(page, start)
    page.get_by_role("button", name="Start session").click()
    expect(
        status_message(
            page,
            f"No signal: the session at {HIGH_STREET} is kept on this phone and will upload "
            "when the signal returns.",
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session at {HIGH_STREET}")
    log_offence(page, "AB12CDE", "44")
    submit_session(page, "97")
    expect(status_message(page, QUEUED)).to_be_visible()
    assert not Session.objects.filter(started_at=start).exists()

    context.set_offline(False)
    expect(status_message(page, SUBMITTED)).to_be_visible()
    session = Session.objects.get(started_at=start)
    assert (session.site.name, session.status, session.vehicles_counted) == (
        HIGH_STREET,
        "submitted",
        97,
    )
    assert sorted(session.present.values_list("name", flat=True)) == list(TEAM)
    assert list(session.offences.values_list("registration", "speed_mph")) == [("AB12CDE", 44)]


def test_a_screen_seen_before_reloads_offline_with_its_last_data(
    page: Page, context: BrowserContext
) -> None:
    mill_road = Scheme.objects.get(name=MILL_ROAD)
    sign_in(page, VOLUNTEER)
    wait_for_service_worker(page)
    page.goto("/alerts")
    expect(page.get_by_role("heading", name=SCAM)).to_be_visible()
    page.goto(f"/schemes/{mill_road.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(MILL_ROAD)
    expect(offline_notice(page)).to_have_count(0)

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(MILL_ROAD)
    notice = offline_notice(page)
    expect(notice).to_have_text(
        re.compile(
            r"^You are offline\. Showing what this phone saved on \d+ \w{3} \d{4}, \d\d:\d\d\.$"
        )
    )
    expect(notice).to_have_attribute("aria-live", "polite")
    # Another screen seen before, opened afresh by its address.
    page.goto("/alerts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    expect(page.get_by_role("heading", name=SCAM)).to_be_visible()
    expect(offline_notice(page)).to_be_visible()
    violations = serious_violations(page)
    assert violations == [], json.dumps(violations, indent=2)
    # A scheme never opened has nothing saved: the screen says Patchwatch cannot be reached.
    chesterton = Scheme.objects.get(name="Chesterton Neighbourhood Watch")
    page.goto(f"/schemes/{chesterton.pk}")
    expect(page.get_by_role("alert")).to_contain_text("Could not reach Patchwatch")

    context.set_offline(False)
    expect(offline_notice(page)).to_have_count(0)


def test_signing_out_forgets_what_the_phone_saved(page: Page, context: BrowserContext) -> None:
    sign_in(page, COORDINATOR)
    wait_for_service_worker(page)
    page.goto("/speedwatch/sessions/new")
    page.get_by_label("Site", exact=True).select_option(label=f"{HIGH_STREET} (30 mph)")
    expect(page.get_by_label("Kevin Doyle", exact=True)).to_be_visible()
    page.goto("/alerts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    page.wait_for_load_state("networkidle")
    # Who the user is (with what they may do) and the sites they log sessions at.
    personal = {"/api/v1/me/", "/api/v1/speedwatch/sites/?page_size=50&status=approved"}
    assert personal <= saved_api_paths(page)
    assert personal <= expiration_records(page)
    haslingfield = Scheme.objects.get(name="Haslingfield Community Speedwatch")
    assert f"patchwatch.speedwatch.cache.members-{haslingfield.pk}" in app_storage(page)

    sign_out(page)
    page.wait_for_load_state("networkidle")
    # Only the public directory the signed-out home screen has read since (its schemes, and
    # the policing neighbourhoods its picker offers).
    public = ("/api/v1/schemes/?", "/api/v1/neighbourhoods/?")
    for saved in (saved_api_paths(page), expiration_records(page)):
        assert {path for path in saved if not path.startswith(public)} == set()
    assert app_storage(page) == []

    # Offline, the screens seen before show nobody's data: the app asks to sign in.
    context.set_offline(True)
    page.goto("/alerts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(offline_notice(page)).to_be_visible()


def png_size(data: bytes) -> str:
    """An image's width x height from its PNG header (signature, then the IHDR chunk)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return f"{width}x{height}"


def test_manifest_is_valid_and_chromium_finds_the_app_installable(
    page: Page, live_server, playwright: Playwright, browser_type_launch_args: dict, tmp_path
) -> None:
    page.goto("/")
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    assert href == "/static/manifest.webmanifest"
    response = page.request.get(href)
    assert (response.status, response.headers["content-type"]) == (
        200,
        "application/manifest+json",
    )
    manifest = response.json()
    assert {
        member: manifest[member]
        for member in (
            "id",
            "name",
            "short_name",
            "lang",
            "start_url",
            "scope",
            "display",
            "theme_color",
            "background_color",
        )
    } == {
        "id": "/",
        "name": "Patchwatch",
        "short_name": "Patchwatch",
        "lang": "en-GB",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": "#0b3a66",
        "background_color": "#ffffff",
    }
    assert page.locator('meta[name="theme-color"]').get_attribute("content") == "#0b3a66"
    manifest_url = live_server.url + href
    icons = []
    for icon in manifest["icons"]:
        image = page.request.get(urljoin(manifest_url, icon["src"]))
        assert (image.status, image.headers["content-type"]) == (200, icon["type"])
        icons.append((png_size(image.body()), icon["sizes"], icon["type"], icon["purpose"]))
    assert icons == [
        ("192x192", "192x192", "image/png", "any"),
        ("512x512", "512x512", "image/png", "any"),
        ("512x512", "512x512", "image/png", "maskable"),
    ]

    # Chromium does not offer to install from a private window (as every test context is):
    # a profile of its own on disk, as a phone's browser has.
    installable = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        **browser_type_launch_args,
        viewport=PHONE,
        base_url=live_server.url,
    )
    try:
        installable.route(OFF_SITE, lambda route: route.abort())
        # Chromium offers to install (beforeinstallprompt) once the page meets its criteria.
        installable.add_init_script(
            "window.addEventListener('beforeinstallprompt', event => {"
            " event.preventDefault(); window.installOffered = true; })"
        )
        tab = installable.pages[0] if installable.pages else installable.new_page()
        tab.goto("/")
        wait_for_service_worker(tab)
        devtools = installable.new_cdp_session(tab)
        try:
            tab.wait_for_function("() => window.installOffered === true", timeout=30_000)
        except PlaywrightTimeoutError:
            # Not offered: Chromium's own list of what it found missing says why.
            raise AssertionError(devtools.send("Page.getInstallabilityErrors")) from None
        # Asked only once Chromium has decided: DevTools answers at once then.
        assert devtools.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
        seen = devtools.send("Page.getAppManifest")
        assert (seen["url"], seen["errors"]) == (manifest_url, [])
    finally:
        installable.close()


def test_a_new_version_takes_over_when_the_person_reloads(page: Page, settings, tmp_path) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a watch scheme")
    wait_for_service_worker(page)
    update = page.get_by_role("status").filter(has_text="A new version of Patchwatch is ready.")
    expect(update).to_have_count(0)

    # The next release: the same app with another worker, which says which it is.
    release = Path(shutil.copytree(settings.FRONTEND_DIST, tmp_path / "dist"))
    worker = release / "sw.js"
    worker.write_text(
        worker.read_text() + "\nself.addEventListener('message', (event) => {\n"
        "  if (event.data && event.data.type === 'which-release') {\n"
        "    event.ports[0].postMessage('next');\n"
        "  }\n"
        "});\n"
    )
    settings.FRONTEND_DIST = release
    page.evaluate("() => navigator.serviceWorker.getRegistration('/').then(r => r.update())")

    # Offered, not forced: the old version stays in charge until the person chooses.
    expect(update).to_be_visible()
    assert page.evaluate("() => navigator.serviceWorker.controller.state") == "activated"
    with page.expect_navigation():
        update.get_by_role("button", name="Reload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a watch scheme")
    wait_for_service_worker(page)
    release_in_charge = page.evaluate(
        """() => new Promise(resolve => {
            const channel = new MessageChannel();
            channel.port1.onmessage = event => resolve(event.data);
            const worker = navigator.serviceWorker.controller;
            worker.postMessage({ type: 'which-release' }, [channel.port2]);
        })"""
    )
    assert release_in_charge == "next"
    expect(update).to_have_count(0)
    assert page.evaluate(
        "() => navigator.serviceWorker.getRegistration('/').then(r => r.waiting === null)"
    )


SESSION_UPLOADS = re.compile(r"/api/v1/speedwatch/sessions/$")


def lose_the_answer(route: Route) -> None:
    """The upload reaches Patchwatch, but the signal drops before the answer comes back."""
    route.fetch()
    route.abort("internetdisconnected")


def test_a_session_stored_before_its_answer_was_lost_keeps_the_edits_made_since(
    page: Page,
) -> None:
    """The first upload of a session reaches Patchwatch but its answer is lost (twice: the
    app tries once more at once). The coordinator goes on, gives the total of vehicles and
    submits. The next upload of the session is answered with the copy stored first (the
    same id), which lacks the total: the app sends it as a change, so nothing is lost."""
    start, _ = past_daylight_hour()
    sign_in(page, COORDINATOR)
    page.goto("/speedwatch/sessions/new")
    page.route(SESSION_UPLOADS, lose_the_answer)
    fill_session_form(page, start)
    page.get_by_role("button", name="Start session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session at {HIGH_STREET}")
    expect(
        page.get_by_role("status").filter(has_text="Patchwatch cannot be reached")
    ).to_be_visible()
    stored = Session.objects.get(started_at=start)
    assert stored.vehicles_counted != 212

    page.unroute_all(behavior="wait")
    submit_session(page, "212")
    expect(status_message(page, SUBMITTED)).to_be_visible()
    session = Session.objects.get(started_at=start)
    assert (session.pk, session.status, session.vehicles_counted) == (stored.pk, "submitted", 212)
