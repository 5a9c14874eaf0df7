"""What every Atom feed of Patchwatch must be: valid against RFC 4287's RELAX NG grammar
(tests/standards/atom.rng), true to the RFC's rules that the grammar does not state, and
read by feedparser without complaint."""

import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
A = f"{{{ATOM_NS}}}"
RELAX_NG = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "standards" / "atom.rng")))
# RFC 3339's date-time (RFC 4287 section 3.3): "T", seconds, and a time zone, which
# xsd:dateTime (the grammar's type) leaves optional.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _links(element: etree._Element, rel: str) -> list[etree._Element]:
    # A link without rel is an alternate one (RFC 4287 section 4.2.7.2).
    return [link for link in element.findall(f"{A}link") if link.get("rel", "alternate") == rel]


def _absolute_iri(value: str) -> bool:
    parts = urlsplit(value)
    if parts.scheme == "urn" and value.startswith("urn:uuid:"):
        try:
            uuid.UUID(value.removeprefix("urn:uuid:"))
        except ValueError:
            return False
        return True
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def rfc_4287_problems(document: bytes, url: str) -> list[str]:
    """What breaks RFC 4287's rules beyond its grammar (or Patchwatch's reading of its
    SHOULDs) in the feed fetched from ``url``; empty when nothing does."""
    feed = etree.fromstring(document)
    problems = []
    if feed.tag != f"{A}feed":
        return [f"the root is {feed.tag}, not atom:feed"]
    entries = feed.findall(f"{A}entry")
    for element, name in [(feed, "the feed"), *((e, f"entry {i}") for i, e in enumerate(entries))]:
        for child in ("id", "title", "updated"):
            if len(element.findall(f"{A}{child}")) != 1:
                problems.append(f"{name} has not exactly one atom:{child}")
        for child in ("updated", "published"):
            for date in element.findall(f"{A}{child}"):
                if not RFC3339.match(date.text or ""):
                    problems.append(f"{name}'s atom:{child} {date.text!r} is not RFC 3339")
        identifier = element.findtext(f"{A}id") or ""
        if not _absolute_iri(identifier):
            problems.append(f"{name}'s atom:id {identifier!r} is not an absolute IRI")
        alternates = [
            (link.get("type"), link.get("hreflang")) for link in _links(element, "alternate")
        ]
        if len(alternates) != len(set(alternates)):
            problems.append(f"{name} has two alternate links of one type and language")
        for link in element.findall(f"{A}link"):
            if not _absolute_iri(link.get("href", "")):
                problems.append(f"{name} links to {link.get('href')!r}, not an absolute address")
    ids = [feed.findtext(f"{A}id"), *(entry.findtext(f"{A}id") for entry in entries)]
    if len(ids) != len(set(ids)):
        problems.append(f"atom:id values are not unique: {ids}")
    selves = _links(feed, "self")
    if [link.get("href") for link in selves] != [url]:
        problems.append(f"the self links {[s.get('href') for s in selves]} are not [{url!r}]")
    if any(link.get("type") != "application/atom+xml" for link in selves):
        problems.append("the self link does not say it is application/atom+xml")
    for index, entry in enumerate(entries):
        # Section 4.1.1: entries without content need an alternate link; Patchwatch gives
        # every entry one, to the alert's page.
        if not _links(entry, "alternate"):
            problems.append(f"entry {index} has no alternate link")
        if entry.find(f"{A}author") is None and feed.find(f"{A}author") is None:
            problems.append(f"entry {index} has no author, and neither has the feed")
    return problems


def assert_valid_atom(document: bytes, url: str) -> etree._Element:
    """Assert that ``document``, fetched from ``url``, is a valid Atom feed; return its
    root element."""
    root = etree.fromstring(document)
    assert RELAX_NG.validate(root), str(RELAX_NG.error_log)
    assert rfc_4287_problems(document, url) == []
    parsed = feedparser.parse(document)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return root
