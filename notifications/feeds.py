"""Atom feeds (RFC 4287) of current public alerts: for a scheme, and for an area around a
point. Police systems and feed readers take them; each entry is one CAP message and links
to its CAP document and to its public page.

What a feed says, and why:

- One entry per CAP message, its ``atom:id`` the message's CAP identifier as a
  ``urn:uuid:``. An update is a new message with an identifier of its own, so it is a new
  entry ("Update: ..."); the message it replaces leaves the feed (it is no longer
  published), and its public page points to the latest. A cancellation is an entry
  ("Cancelled: ...") until it expires, so that those following the feed learn it is over.
  A message is never edited once published: an entry's ``updated`` is its ``published``.
- A feed's ``atom:id`` is a ``urn:uuid:`` derived (UUID 5) from its canonical address: the
  site's address and, for an area, its centre and radius as read (so ``lat=52.10`` and
  ``lat=52.1`` are one feed, and a radius past the maximum is the maximum's feed).
- A feed's ``updated`` is its newest entry's; an empty feed has nothing to date it by, and
  says the Unix epoch rather than the time of the request, so that it reads the same on
  every poll.
- The ``self`` link is the address the feed was asked for, with its query, on the site's
  address (``PATCHWATCH_SITE_URL``), not on whatever Host the request came with.
- Times are Europe/London's, with their offset.
- Welsh and English: an entry is marked (``xml:lang``) with the language of the alert's own
  words. An alert with a translation has both titles in its title ("own / translation", as
  bilingual signs and notices in Wales put them: a title has no room for two elements), and
  its content is XHTML with one ``div`` per language, each with its ``xml:lang``, so that a
  reader can show or speak each in its language. An alert in one language keeps plain text
  content. What the feed says in its own words (its title, each entry's summary and
  category labels, "What to do") is in the request's language (``Accept-Language``;
  English unless asked), which is the feed's ``xml:lang``.
"""

import math
import uuid
from datetime import UTC, datetime
from typing import Any, cast

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, rfc3339_date
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator

from areas import geo
from notifications import selectors
from notifications.links import alert_web_url
from notifications.models import Alert, AlertText, MessageType
from notifications.wording import language_tag, sender_name, speaking
from schemes.models import Scheme

ATOM_MEDIA_TYPE = "application/atom+xml"
CAP_MEDIA_TYPE = "application/cap+xml"
# Category schemes (atom:category/@scheme) of the CAP values an entry carries; the alert's
# own category has Patchwatch's terms and labels.
CAP_SCHEME = "urn:oasis:names:tc:emergency:cap:1.2"
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"


def title_prefix(message_type: str) -> str:
    """What an update's or a cancellation's title starts with, in the language of the moment."""
    if message_type == MessageType.UPDATE:
        return _("Update: ")
    if message_type == MessageType.CANCEL:
        return _("Cancelled: ")
    return ""


def _local(moment: datetime) -> str:
    return rfc3339_date(timezone.localtime(moment).replace(microsecond=0))


class AlertAtomFeed(Atom1Feed):
    """Django's Atom 1.0 writer, with each element written as RFC 4287 and CAP consumers
    want it: text (not HTML) summaries and content, typed links, categories with labels
    and schemes, a stable ``updated`` when empty."""

    def latest_post_date(self) -> datetime:
        dates = [item["updateddate"] for item in self.items if item["updateddate"]]
        return max(dates) if dates else EMPTY_FEED_UPDATED

    def add_root_elements(self, handler: SimplerXMLGenerator) -> None:
        feed = self.feed
        handler.addQuickElement("id", feed["id"])
        handler.addQuickElement("title", feed["title"], {"type": "text"})
        handler.addQuickElement("subtitle", feed["subtitle"], {"type": "text"})
        handler.addQuickElement("updated", _local(self.latest_post_date()))
        handler.addQuickElement(
            "link", "", {"rel": "self", "type": ATOM_MEDIA_TYPE, "href": feed["feed_url"]}
        )
        handler.addQuickElement(
            "link", "", {"rel": "alternate", "type": "text/html", "href": feed["link"]}
        )
        handler.startElement("author", {})  # type: ignore[arg-type]  # as Django's feeds do; the stubs want SAX attributes
        handler.addQuickElement("name", feed["author_name"])
        if feed["author_link"]:
            handler.addQuickElement("uri", feed["author_link"])
        handler.endElement("author")
        handler.addQuickElement("generator", "Patchwatch", {"uri": settings.SITE_URL})

    def item_attributes(self, item: dict[str, Any]) -> dict[str, str]:
        return {"xml:lang": item["language"]}

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        handler.addQuickElement("id", item["unique_id"])
        handler.addQuickElement("title", item["title"], {"type": "text"})
        handler.addQuickElement("published", _local(item["pubdate"]))
        handler.addQuickElement("updated", _local(item["updateddate"]))
        handler.startElement("author", {})  # type: ignore[arg-type]  # as Django's feeds do; the stubs want SAX attributes
        handler.addQuickElement("name", item["author_name"])
        handler.endElement("author")
        for href, media_type, title in item["links"]:
            handler.addQuickElement(
                "link", "", {"rel": "alternate", "type": media_type, "href": href, "title": title}
            )
        for term, label, scheme in item["labelled_categories"]:
            attributes = {"term": term, "label": label}
            if scheme:
                attributes["scheme"] = scheme
            handler.addQuickElement("category", "", attributes)
        handler.addQuickElement("summary", item["description"], {"type": "text"})
        if len(item["texts"]) == 1:
            handler.addQuickElement("content", item["content"], {"type": "text"})
            return
        handler.startElement("content", {"type": "xhtml"})  # type: ignore[arg-type]  # as Django's feeds do; the stubs want SAX attributes
        handler.startElement("div", {"xmlns": XHTML_NAMESPACE})  # type: ignore[arg-type]  # as above
        for language, paragraphs in item["texts"]:
            handler.startElement("div", {"xml:lang": language, "lang": language})  # type: ignore[arg-type]  # as above
            for paragraph in paragraphs:
                handler.addQuickElement("p", paragraph)
            handler.endElement("div")
        handler.endElement("div")
        handler.endElement("content")


def cap_url(alert: Alert) -> str:
    """The alert's CAP 1.2 document (public for a public alert)."""
    return f"{settings.SITE_URL}{reverse('alert-cap', args=[alert.pk])}"


def area_feed_path(alert: Alert) -> str:
    """The area feed of public alerts around the alert: its circle, or for a drawn area the
    circle round it from its centre."""
    radius = alert.radius_m
    if not radius:
        centre = geo.Point(alert.centre_lat, alert.centre_lon)
        furthest = max(
            (
                geo.distance_m(centre, geo.Point(lat, lon))
                # With no radius the area is a polygon (a constraint of AreaFields).
                for lon, lat in geo.polygon_ring(cast(dict[str, Any], alert.boundary))
            ),
            default=0.0,
        )
        radius = max(100, math.ceil(furthest))
    query = urlencode(
        {"lat": str(alert.centre_lat), "lon": str(alert.centre_lon), "radius_m": str(radius)}
    )
    return f"{reverse('alerts-feed-area')}?{query}"


def london_time(moment: datetime) -> str:
    """6 Dec 2026, 16:39 GMT (+00:00): London's clock, and its offset."""
    local = timezone.localtime(moment)
    offset = local.isoformat(timespec="minutes")[-6:]
    return f"{local.day} {local:%b %Y, %H:%M %Z} ({offset})"


def _summary(alert: Alert) -> str:
    return _(
        "%(category)s. Severity %(severity)s, urgency %(urgency)s. %(where)s. Until %(until)s."
    ) % {
        "category": _(alert.get_category_display()),
        "severity": alert.severity,
        "urgency": alert.urgency,
        "where": selectors.area_description(alert),
        "until": london_time(alert.expires_at),
    }


def _paragraphs(alert: Alert, text: AlertText) -> list[str]:
    """What the alert says in ``text``'s language, with our own words in it too."""
    with speaking(text.language):
        return [
            part
            for part in (
                text.body,
                text.instruction
                and _("What to do: %(instruction)s") % {"instruction": text.instruction},
                alert.contact and _("Contact: %(contact)s") % {"contact": alert.contact},
            )
            if part
        ]


def _title(alert: Alert, text: AlertText) -> str:
    with speaking(text.language):
        return f"{title_prefix(alert.message_type)}{text.title}"


def _entry(alert: Alert) -> dict[str, Any]:
    texts = alert.texts()
    return {
        "title": " / ".join(_title(alert, text) for text in texts),
        "link": alert_web_url(alert),
        "links": [
            (alert_web_url(alert), "text/html", _("The alert's page")),
            (cap_url(alert), CAP_MEDIA_TYPE, _("The alert as CAP 1.2")),
        ],
        "description": _summary(alert),
        "content": "\n\n".join(_paragraphs(alert, texts[0])),
        "texts": [(text.language_tag, _paragraphs(alert, text)) for text in texts],
        "language": texts[0].language_tag,
        "unique_id": f"urn:uuid:{alert.identifier}",
        "pubdate": alert.published_at,
        "updateddate": alert.published_at,
        "author_name": sender_name(alert),
        "labelled_categories": [
            (alert.category, _(alert.get_category_display()), None),
            (
                alert.severity,
                _("Severity: %(severity)s") % {"severity": alert.severity},
                f"{CAP_SCHEME}#severity",
            ),
            (
                alert.urgency,
                _("Urgency: %(urgency)s") % {"urgency": alert.urgency},
                f"{CAP_SCHEME}#urgency",
            ),
            (alert.message_type, _(alert.get_message_type_display()), f"{CAP_SCHEME}#msgType"),
        ],
    }


def _feed_id(canonical_url: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, canonical_url)}"


def _document(
    *,
    title: str,
    subtitle: str,
    feed_id: str,
    self_url: str,
    html_url: str,
    author: str,
    author_url: str | None,
    alerts: list[Alert],
) -> bytes:
    feed = AlertAtomFeed(
        title=title,
        link=html_url,
        description=subtitle,
        subtitle=subtitle,
        language=language_tag(),
        author_name=author,
        author_link=author_url,
        feed_url=self_url,
        feed_guid=feed_id,
    )
    for alert in alerts:
        feed.add_item(**_entry(alert))
    return feed.writeString("utf-8").encode("utf-8")


def scheme_feed(*, scheme: Scheme, alerts: list[Alert], self_url: str) -> bytes:
    """The Atom feed of the public alerts that reached a scheme."""
    page = f"{settings.SITE_URL}/schemes/{scheme.pk}"
    canonical = f"{settings.SITE_URL}{reverse('alerts-feed-scheme', args=[scheme.pk])}"
    return _document(
        title=_("Alerts for %(scheme)s") % {"scheme": scheme.name},
        subtitle=_("Current public alerts that reached %(scheme)s, newest first.")
        % {"scheme": scheme.name},
        feed_id=_feed_id(canonical),
        self_url=self_url,
        html_url=page,
        author=scheme.name,
        author_url=page,
        alerts=alerts,
    )


def area_feed(*, area: geo.Area, alerts: list[Alert], self_url: str) -> bytes:
    """The Atom feed of the public alerts whose area overlaps a circle."""
    # ``+ 0.0`` makes -0.0 (which repr writes with its sign) the same feed as 0.0.
    lat, lon, radius = area.centre.lat + 0.0, area.centre.lon + 0.0, int(area.radius_m or 0)
    query = urlencode({"lat": repr(lat), "lon": repr(lon), "radius_m": str(radius)})
    canonical = f"{settings.SITE_URL}{reverse('alerts-feed-area')}?{query}"
    within = f"{radius} m" if radius < 1000 else f"{radius / 1000:g} km"
    return _document(
        title=_("Patchwatch alerts within %(distance)s of %(centre)s")
        % {"distance": within, "centre": f"{lat:.4f}, {lon:.4f}"},
        subtitle=_("Current public alerts whose area overlaps this circle, newest first."),
        feed_id=_feed_id(canonical),
        self_url=self_url,
        html_url=f"{settings.SITE_URL}/",
        author="Patchwatch",
        author_url=None,
        alerts=alerts,
    )
