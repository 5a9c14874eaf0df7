"""Alerts that carry their words in Welsh and English: written in either language first, with
the other as a translation; each recipient gets the alert in their own language on every
channel (the app's words around it in theirs too), the API gives both to every reader, CAP
carries one info per language, the Atom feed and the public page carry both."""

import json
import re
from datetime import timedelta
from html import unescape
from xml.etree import ElementTree

import feedparser
import pytest
from django.conf import settings
from django.core import mail
from lxml import etree

from notifications import channels
from notifications.dispatch import digests_send
from notifications.guidance import CANCEL_GUIDANCE, CATEGORY_GUIDANCE, DEFAULT_CONTACT
from notifications.models import Alert, Notice, Preference, PushSubscription
from tests.atom import A, assert_valid_atom
from tests.cap import CAP, assert_valid_cap

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

WELSH_TITLE = "Galwyr ffug ar Heol y Felin"
WELSH_BODY = "Dau ddyn yn honni eu bod o'r bwrdd dŵr. Peidiwch â'u gadael i mewn."
WELSH_INSTRUCTION = "Cadwch y drysau ar glo a ffoniwch 101."
ENGLISH_TITLE = "Bogus callers on Mill Road"
ENGLISH_BODY = "Two men claiming to be from the water board. Do not let them in."
ENGLISH_INSTRUCTION = "Keep doors locked and call 101."
ENGLISH = {"title": ENGLISH_TITLE, "body": ENGLISH_BODY, "instruction": ENGLISH_INSTRUCTION}
WELSH = {"title": WELSH_TITLE, "body": WELSH_BODY, "instruction": WELSH_INSTRUCTION}
# The usual advice for bogus callers, in Welsh (locale/cy/LC_MESSAGES/django.po).
WELSH_BOGUS_CALLER_ADVICE = (
    "Peidiwch â gadael galwyr annisgwyl i mewn. Gofynnwch am gerdyn adnabod a'i wirio drwy "
    "ffonio'r cwmni ar rif rydych chi'n dod o hyd iddo eich hun, nid un maen nhw'n ei roi i "
    "chi. Rhowch wybod am alwyr ffug i 101, neu 999 os nad ydyn nhw'n fodlon gadael."
)
WELSH_CANCEL_ADVICE = "Nid oes angen gwneud dim mwy: mae'r rhybudd hwn wedi'i ganslo."


def _alert(**extra) -> dict:
    """A public bogus-caller alert around Mill Road, in Welsh first with its English."""
    body = {
        "language": "cy",
        **WELSH,
        "translation": ENGLISH,
        "category": "bogus_caller",
        "severity": "Moderate",
        "urgency": "Immediate",
        "audience": "members",
        "public": True,
        "contact": "101",
        "lat": 52.1985,
        "lon": 0.141,
        "radius_m": 500,
        **extra,
    }
    return {key: value for key, value in body.items() if value is not ...}


@pytest.fixture
def draft(client_for, liaison):
    def make(**extra) -> dict:
        response = client_for(liaison).post(ALERTS, _alert(**extra), format="json")
        assert response.status_code == 201, response.content
        return response.json()

    return make


@pytest.fixture
def publish(client_for, liaison, draft, django_capture_on_commit_callbacks):
    def send(**extra) -> dict:
        made = draft(**extra)
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(liaison).post(f"{ALERTS}{made['id']}/publish/")
        assert response.status_code == 200, response.content
        return response.json()

    return send


@pytest.fixture
def welsh_member(volunteer):
    """The scheme's volunteer, who chose Welsh; its coordinator keeps English."""
    volunteer.language = "cy"
    volunteer.save(update_fields=["language"])
    return volunteer


# --- The API ------------------------------------------------------------------------------------


def test_an_alert_is_drafted_with_its_translation_and_read_back_everywhere(
    client_for, liaison, draft
) -> None:
    made = draft()
    assert (made["language"], made["title"], made["body"], made["instruction"]) == (
        "cy",
        WELSH_TITLE,
        WELSH_BODY,
        WELSH_INSTRUCTION,
    )
    assert made["translation"] == ENGLISH
    client = client_for(liaison)
    assert client.get(f"{ALERTS}{made['id']}/").json()["translation"] == ENGLISH
    [row] = client.get(ALERTS).json()["results"]
    assert (row["language"], row["translation"]) == ("cy", ENGLISH)
    alert = Alert.objects.get(pk=made["id"])
    assert (alert.translated_title, alert.translated_body, alert.translated_instruction) == (
        ENGLISH_TITLE,
        ENGLISH_BODY,
        ENGLISH_INSTRUCTION,
    )


def test_an_alert_without_a_translation_is_english_with_none(draft) -> None:
    made = draft(language=..., translation=..., **ENGLISH)
    assert (made["language"], made["translation"]) == ("en", None)
    assert draft(translation=None)["translation"] is None


@pytest.mark.parametrize(
    ("translation", "language", "refusal"),
    [
        (
            {"body": ENGLISH_BODY},
            "cy",
            {"translation": {"title": ["This field is required."]}},
        ),
        (
            {"title": ENGLISH_TITLE},
            "cy",
            {"translation": {"body": ["This field is required."]}},
        ),
        (
            {"title": "", "body": ENGLISH_BODY},
            "cy",
            {"translation": {"title": ["This field may not be blank."]}},
        ),
        (
            {**ENGLISH, "language": "cy"},
            "cy",
            {"translation": {"language": ["The translation must be in the other language."]}},
        ),
        (
            {"title": WELSH_TITLE, "body": WELSH_BODY},
            "cy",
            {
                "translation": {
                    "body": [
                        "The translation repeats the alert's own words: give them in the "
                        "other language."
                    ]
                }
            },
        ),
        (
            {"title": "x" * 121, "body": "y" * 4001, "instruction": "z" * 1001},
            "cy",
            {
                "translation": {
                    "title": ["Ensure this field has no more than 120 characters."],
                    "body": ["Ensure this field has no more than 4000 characters."],
                    "instruction": ["Ensure this field has no more than 1000 characters."],
                }
            },
        ),
        (
            "in English",
            "cy",
            {
                "translation": {
                    "non_field_errors": ["Invalid data. Expected a dictionary, but got str."]
                }
            },
        ),
        (ENGLISH, "fr", {"language": ['"fr" is not a valid choice.']}),
    ],
)
def test_a_bad_translation_is_refused_field_by_field(
    client_for, liaison, translation, language, refusal
) -> None:
    response = client_for(liaison).post(
        ALERTS, _alert(translation=translation, language=language), format="json"
    )
    assert (response.status_code, response.json()) == (400, refusal)
    assert not Alert.objects.exists()


def test_refusals_of_a_translation_are_in_welsh_for_a_welsh_reader(client_for, liaison) -> None:
    liaison.language = "cy"
    liaison.save(update_fields=["language"])
    response = client_for(liaison).post(
        ALERTS, _alert(translation={**ENGLISH, "language": "cy"}), format="json"
    )
    assert response.json() == {
        "translation": {"language": ["Rhaid i'r cyfieithiad fod yn yr iaith arall."]}
    }


def test_the_usual_advice_and_contact_are_filled_in_each_language(draft) -> None:
    made = draft(
        instruction=..., contact=..., translation={"title": ENGLISH_TITLE, "body": ENGLISH_BODY}
    )
    assert made["instruction"] == WELSH_BOGUS_CALLER_ADVICE
    assert made["contact"] == "Ffoniwch 101, neu 999 mewn argyfwng."
    assert made["translation"] == {
        "title": ENGLISH_TITLE,
        "body": ENGLISH_BODY,
        "instruction": CATEGORY_GUIDANCE["bogus_caller"].instruction,
    }
    english = draft(
        language=...,
        translation=...,
        instruction=...,
        contact=...,
        **{"title": ENGLISH_TITLE, "body": ENGLISH_BODY},
    )
    assert (english["instruction"], english["contact"]) == (
        CATEGORY_GUIDANCE["bogus_caller"].instruction,
        DEFAULT_CONTACT,
    )


def test_an_update_with_new_words_and_no_translation_carries_none(
    client_for, liaison, publish, django_capture_on_commit_callbacks
) -> None:
    first = publish()
    client = client_for(liaison)
    with django_capture_on_commit_callbacks(execute=True):
        severity = client.post(
            f"{ALERTS}{first['id']}/update_alert/", {"severity": "Severe"}, format="json"
        ).json()
    # Nothing said anew: the words and their translation stay the alert's.
    assert (severity["language"], severity["title"], severity["translation"]) == (
        "cy",
        WELSH_TITLE,
        ENGLISH,
    )
    with django_capture_on_commit_callbacks(execute=True):
        reworded = client.post(
            f"{ALERTS}{severity['id']}/update_alert/",
            {"body": "Maen nhw bellach mewn fan wen."},
            format="json",
        ).json()
    assert (reworded["body"], reworded["translation"]) == ("Maen nhw bellach mewn fan wen.", None)
    translated = {"title": "Bogus callers: a white van", "body": "They now drive a white van."}
    with django_capture_on_commit_callbacks(execute=True):
        both = client.post(
            f"{ALERTS}{reworded['id']}/update_alert/",
            {"title": "Galwyr ffug: fan wen", "body": "Fan wen.", "translation": translated},
            format="json",
        ).json()
    assert both["translation"] == {**translated, "instruction": ""}


def test_an_update_refuses_a_new_language_without_new_words(client_for, liaison, publish) -> None:
    first = publish()
    response = client_for(liaison).post(
        f"{ALERTS}{first['id']}/update_alert/", {"language": "en"}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"language": ["Give the title and body in the new language too."]},
    )
    response = client_for(liaison).post(
        f"{ALERTS}{first['id']}/update_alert/",
        {"translation": {"title": WELSH_TITLE, "body": WELSH_BODY}},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["translation"]) == ["body"]


def test_a_cancellation_says_it_is_over_in_both_languages(
    client_for, liaison, publish, django_capture_on_commit_callbacks
) -> None:
    first = publish()
    with django_capture_on_commit_callbacks(execute=True):
        cancel = (
            client_for(liaison)
            .post(
                f"{ALERTS}{first['id']}/cancel/",
                {
                    "body": "Mae'r dynion wedi'u dal.",
                    "translation": {"title": ENGLISH_TITLE, "body": "The men have been caught."},
                },
                format="json",
            )
            .json()
        )
    assert (cancel["instruction"], cancel["translation"]) == (
        WELSH_CANCEL_ADVICE,
        {
            "title": ENGLISH_TITLE,
            "body": "The men have been caught.",
            "instruction": CANCEL_GUIDANCE.instruction,
        },
    )


# --- Recipients get their language ----------------------------------------------------------------


def test_each_member_gets_the_email_in_their_language(publish, welsh_member, coordinator) -> None:
    publish()
    sent = {message.to[0]: message for message in mail.outbox}
    welsh, english = sent[welsh_member.email], sent[coordinator.email]
    assert welsh.subject == f"[Patchwatch] {WELSH_TITLE}"
    assert welsh.body.startswith(
        f"{WELSH_BODY}\n\nBeth i'w wneud: {WELSH_INSTRUCTION}\n\nCysylltu: 101\n\n"
    )
    assert english.subject == f"[Patchwatch] {ENGLISH_TITLE}"
    assert english.body.startswith(
        f"{ENGLISH_BODY}\n\nWhat to do: {ENGLISH_INSTRUCTION}\n\nContact: 101\n\n"
    )


def test_a_welsh_member_gets_an_english_only_alert_in_english_with_welsh_around_it(
    client_for, liaison, publish, welsh_member, django_capture_on_commit_callbacks
) -> None:
    first = publish(language=..., translation=..., **ENGLISH)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(liaison).post(
            f"{ALERTS}{first['id']}/update_alert/", {"severity": "Severe"}, format="json"
        )
    subjects = sorted(m.subject for m in mail.outbox if m.to == [welsh_member.email])
    assert subjects == [
        f"[Patchwatch] {ENGLISH_TITLE}",
        f"[Patchwatch] Diweddariad: {ENGLISH_TITLE}",
    ]
    [message] = [
        m
        for m in mail.outbox
        if m.subject == f"[Patchwatch] {ENGLISH_TITLE}" and m.to == [welsh_member.email]
    ]
    assert f"Beth i'w wneud: {ENGLISH_INSTRUCTION}" in message.body


def test_each_member_gets_the_text_message_in_their_language(
    fake_notify, settings, publish, welsh_member, coordinator
) -> None:
    settings.SMS_PROVIDER = "notify"
    for number, member in enumerate((welsh_member, coordinator)):
        member.phone = f"07700 90012{number}"
        member.save(update_fields=["phone"])
        Preference.objects.create(user=member, channels=["sms"])
    alert = publish()
    by_phone = {
        request.body["phone_number"]: request.body["personalisation"]
        for request in fake_notify.sent()
    }
    link = f"{settings.SITE_URL}/alerts/{alert['id']}"
    assert by_phone == {
        "07700 900120": {
            "subject": f"[Patchwatch] {WELSH_TITLE}",
            "headline": WELSH_TITLE,
            "body": WELSH_BODY,
            "instruction": WELSH_INSTRUCTION,
            "contact": "101",
            "advice": f"Beth i'w wneud: {WELSH_INSTRUCTION}\n\nCysylltu: 101",
            "link": link,
        },
        "07700 900121": {
            "subject": f"[Patchwatch] {ENGLISH_TITLE}",
            "headline": ENGLISH_TITLE,
            "body": ENGLISH_BODY,
            "instruction": ENGLISH_INSTRUCTION,
            "contact": "101",
            "advice": f"What to do: {ENGLISH_INSTRUCTION}\n\nContact: 101",
            "link": link,
        },
    }


def test_each_member_gets_the_push_in_their_language(
    monkeypatch, settings, publish, welsh_member, coordinator
) -> None:
    settings.WEBPUSH_VAPID_PRIVATE_KEY = "test-private-key"
    for member in (welsh_member, coordinator):
        Preference.objects.create(user=member, channels=["push"])
        PushSubscription.objects.create(
            user=member, endpoint=f"https://push.example.org/{member.pk}", p256dh="k", auth="a"
        )
    pushed: dict[str, dict] = {}

    def fake_webpush(subscription_info, data, **kwargs):
        pushed[subscription_info["endpoint"]] = json.loads(data)

    monkeypatch.setattr(channels, "webpush", fake_webpush)
    alert = publish()
    common = {"url": f"/alerts/{alert['id']}", "tag": alert["identifier"]}
    assert pushed == {
        f"https://push.example.org/{welsh_member.pk}": {
            "title": WELSH_TITLE,
            "body": WELSH_BODY,
            "lang": "cy",
            **common,
        },
        f"https://push.example.org/{coordinator.pk}": {
            "title": ENGLISH_TITLE,
            "body": ENGLISH_BODY,
            "lang": "en-GB",
            **common,
        },
    }


def test_a_daily_digest_pushed_to_a_welsh_member_is_marked_welsh(
    monkeypatch, settings, publish, welsh_member
) -> None:
    settings.WEBPUSH_VAPID_PRIVATE_KEY = "test-private-key"
    Preference.objects.create(user=welsh_member, channels=["push"], daily_digest=True)
    PushSubscription.objects.create(
        user=welsh_member, endpoint="https://push.example.org/w", p256dh="k", auth="a"
    )
    pushed: list[dict] = []
    monkeypatch.setattr(
        channels,
        "webpush",
        lambda subscription_info, data, **kwargs: pushed.append(json.loads(data)),
    )
    publish(urgency="Expected")
    assert pushed == []  # not urgent: it waits for the digest
    held = Notice.objects.get(recipient=welsh_member, channel="push", in_digest=True)
    assert digests_send(now=held.deliver_after + timedelta(minutes=1)) == 1
    assert [(push["title"], push["body"], push["lang"]) for push in pushed] == [
        ("Eich crynodeb dyddiol: 1 rhybudd", WELSH_TITLE, "cy")
    ]


def test_the_inbox_gives_every_reader_both_texts(client_for, publish, welsh_member) -> None:
    # The app shows the one in the reader's language: the card has both, and which is which.
    alert = publish()
    [card] = client_for(welsh_member).get("/api/v1/inbox/").json()["results"]
    assert card["alert"]["id"] == alert["id"]
    assert (card["alert"]["language"], card["alert"]["title"], card["alert"]["translation"]) == (
        "cy",
        WELSH_TITLE,
        ENGLISH,
    )
    assert Notice.objects.get(recipient=welsh_member, channel="in_app").state == "sent"


# --- CAP ----------------------------------------------------------------------------------------


def _infos(root: ElementTree.Element) -> list[dict[str, str | None]]:
    return [
        {
            name: info.findtext(f"{CAP}{name}")
            for name in (
                "language",
                "category",
                "event",
                "urgency",
                "severity",
                "senderName",
                "headline",
                "description",
                "instruction",
                "contact",
            )
        }
        | {"areaDesc": info.find(f"{CAP}area").findtext(f"{CAP}areaDesc")}
        for info in root.findall(f"{CAP}info")
    ]


def test_cap_of_a_bilingual_alert_has_an_info_per_language_its_own_first(anon, publish) -> None:
    alert = publish(area_name=...)
    root = assert_valid_cap(anon.get(f"{ALERTS}{alert['id']}/cap/").content)
    alike = {"category": "Security", "urgency": "Immediate", "severity": "Moderate"}
    alike |= {"contact": "101"}
    assert _infos(root) == [
        {
            "language": "cy",
            **alike,
            "event": "Galwr ffug neu sgam",
            "senderName": "Cambridgeshire Constabulary",
            "headline": WELSH_TITLE,
            "description": WELSH_BODY,
            "instruction": WELSH_INSTRUCTION,
            "areaDesc": "O fewn 500 m i 52.1985, 0.1410",
        },
        {
            "language": "en-GB",
            **alike,
            "event": "Bogus caller or scam",
            "senderName": "Cambridgeshire Constabulary",
            "headline": ENGLISH_TITLE,
            "description": ENGLISH_BODY,
            "instruction": ENGLISH_INSTRUCTION,
            "areaDesc": "Within 500 m of 52.1985, 0.1410",
        },
    ]


def test_cap_of_a_welsh_only_alert_by_a_force_in_wales(anon, publish) -> None:
    alert = publish(translation=None)
    Alert.objects.filter(pk=alert["id"]).update(force="dyfed-powys")
    root = assert_valid_cap(anon.get(f"{ALERTS}{alert['id']}/cap/").content)
    [info] = _infos(root)
    assert (info["language"], info["headline"], info["event"], info["senderName"]) == (
        "cy",
        WELSH_TITLE,
        "Galwr ffug neu sgam",
        "Heddlu Dyfed-Powys",
    )


def test_cap_of_an_english_only_alert_has_one_english_info(anon, publish) -> None:
    alert = publish(language=..., translation=..., **ENGLISH)
    root = assert_valid_cap(anon.get(f"{ALERTS}{alert['id']}/cap/").content)
    [info] = _infos(root)
    assert (info["language"], info["headline"], info["event"], info["instruction"]) == (
        "en-GB",
        ENGLISH_TITLE,
        "Bogus caller or scam",
        ENGLISH_INSTRUCTION,
    )


# --- Atom ---------------------------------------------------------------------------------------


def _feed(anon, alert: dict, **headers) -> tuple[etree._Element, bytes]:
    path = "/api/v1/feeds/alerts.atom?lat=52.1985&lon=0.141&radius_m=1000"
    response = anon.get(path, **headers)
    assert response.status_code == 200
    # Its own words follow the reader's language: caches keep one copy per language.
    assert "Accept-Language" in response["Vary"]
    return assert_valid_atom(response.content, f"{settings.SITE_URL}{path}"), response.content


def test_the_atom_entry_of_a_bilingual_alert_carries_both(anon, publish) -> None:
    alert = publish()
    feed, document = _feed(anon, alert)
    assert feed.get(XML_LANG) == "en-GB"
    [entry] = feed.findall(f"{A}entry")
    assert entry.get(XML_LANG) == "cy"
    assert entry.findtext(f"{A}title") == f"{WELSH_TITLE} / {ENGLISH_TITLE}"
    content = entry.find(f"{A}content")
    assert content.get("type") == "xhtml"
    [wrapper] = content
    assert [
        (part.get(XML_LANG), [p.text for p in part.findall(f"{XHTML}p")]) for part in wrapper
    ] == [
        ("cy", [WELSH_BODY, f"Beth i'w wneud: {WELSH_INSTRUCTION}", "Cysylltu: 101"]),
        ("en-GB", [ENGLISH_BODY, f"What to do: {ENGLISH_INSTRUCTION}", "Contact: 101"]),
    ]
    # A feed reader reads both titles, and both texts with their languages.
    [read] = feedparser.parse(document).entries
    assert read.title == f"{WELSH_TITLE} / {ENGLISH_TITLE}"
    assert read.content[0].language == "cy"
    assert unescape(read.content[0].value) == (
        f'<div lang="cy" xml:lang="cy"><p>{WELSH_BODY}</p>'
        f"<p>Beth i'w wneud: {WELSH_INSTRUCTION}</p><p>Cysylltu: 101</p></div>"
        f'<div lang="en-GB" xml:lang="en-GB"><p>{ENGLISH_BODY}</p>'
        f"<p>What to do: {ENGLISH_INSTRUCTION}</p><p>Contact: 101</p></div>"
    )


def test_the_atom_feed_speaks_welsh_when_asked_and_keeps_plain_text_for_one_language(
    anon, publish
) -> None:
    publish(language=..., translation=..., **ENGLISH)
    feed, _ = _feed(anon, {}, HTTP_ACCEPT_LANGUAGE="cy")
    assert feed.get(XML_LANG) == "cy"
    assert feed.findtext(f"{A}title") == "Rhybuddion Patchwatch o fewn 1 km i 52.1985, 0.1410"
    [entry] = feed.findall(f"{A}entry")
    assert entry.get(XML_LANG) == "en-GB"
    assert entry.findtext(f"{A}title") == ENGLISH_TITLE
    content = entry.find(f"{A}content")
    assert content.get("type") == "text"
    assert content.text == (f"{ENGLISH_BODY}\n\nWhat to do: {ENGLISH_INSTRUCTION}\n\nContact: 101")
    assert entry.findtext(f"{A}summary").startswith("Galwr ffug neu sgam. Difrifoldeb Moderate")


# --- The public page ----------------------------------------------------------------------------


def _page(anon, alert: dict, **headers) -> str:
    identifier = alert["identifier"]
    response = anon.get(f"/public/alerts/{identifier}/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def _sections(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<section class="public-text" lang="([^"]+)">\s*<h2>([^<]+)</h2>', page)


def test_the_public_page_shows_both_the_viewers_language_first(anon, publish) -> None:
    alert = publish()
    english = _page(anon, alert, HTTP_ACCEPT_LANGUAGE="en-GB")
    assert '<html lang="en-GB">' in english
    assert f'<h1 id="alert-title" lang="en-GB">{ENGLISH_TITLE}</h1>' in english
    assert _sections(english) == [("en-GB", "What it says"), ("cy", "Beth mae&#x27;n ei ddweud")]
    assert english.index(ENGLISH_BODY) < english.index(WELSH_BODY.replace("'", "&#x27;"))
    welsh = _page(anon, alert, HTTP_ACCEPT_LANGUAGE="cy")
    assert '<html lang="cy">' in welsh
    assert f'<h1 id="alert-title" lang="cy">{WELSH_TITLE}</h1>' in welsh
    assert _sections(welsh) == [("cy", "Beth mae&#x27;n ei ddweud"), ("en-GB", "What it says")]
    assert "Mae&#x27;r rhybudd hwn yn gyfredol." in welsh
    assert "<dt>Difrifoldeb</dt><dd>Moderate: bygythiad posibl i fywyd neu eiddo</dd>" in welsh


def test_the_public_page_of_a_one_language_alert_shows_it_once(anon, publish) -> None:
    alert = publish(translation=None)
    english = _page(anon, alert)
    assert f'<h1 id="alert-title" lang="cy">{WELSH_TITLE}</h1>' in english
    assert _sections(english) == [("cy", "Beth mae&#x27;n ei ddweud")]
    assert "This alert is current." in english
