"""CAP 1.2 documents as police systems take them: valid against the OASIS schema, and obeying
the rules of the standard that the schema cannot express. Every test that gets a CAP
document checks it with ``assert_valid_cap``."""

import functools
import os
import re
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import xmlschema

# The OASIS CAP 1.2 schema, kept with the tests so that a clone anywhere can run them;
# CAP_SCHEMA_PATH validates against another copy.
CAP_SCHEMA = Path(
    os.environ.get("CAP_SCHEMA_PATH", Path(__file__).resolve().parent / "standards" / "cap12.xsd")
)
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"

# CAP 1.2 §3.3.2: a date and time with an explicit offset from UTC, never "Z", in seconds.
CAP_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
# identifier and sender (§3.2.1) must not contain spaces, commas or restricted characters.
NOT_IN_NAMES = re.compile(r"[\s,<&]")
# Alerts' circles are 50 m to 20 km across; a radius in metres would be read as kilometres.
MAX_RADIUS_KM = 20


@functools.cache
def cap_schema() -> xmlschema.XMLSchema:
    assert CAP_SCHEMA.exists(), f"The OASIS CAP 1.2 schema is expected at {CAP_SCHEMA}"
    return xmlschema.XMLSchema(str(CAP_SCHEMA))


def _time(text: str | None, what: str) -> datetime:
    assert text is not None and CAP_TIME.fullmatch(text), f"{what} is not a CAP time: {text!r}"
    return datetime.fromisoformat(text)


def _name(text: str | None, what: str) -> str:
    assert text and not NOT_IN_NAMES.search(text), f"{what} has a space, comma, < or &: {text!r}"
    return text


def cap_references(root: ElementTree.Element) -> list[tuple[str, str, str]]:
    """The (sender, identifier, sent) triples of a document's references, in order."""
    text = root.findtext(f"{CAP}references")
    if text is None:
        return []
    triples = text.split(" ")
    assert all(triples), f"references are not separated by single spaces: {text!r}"
    parsed = [tuple(triple.split(",")) for triple in triples]
    assert all(len(triple) == 3 for triple in parsed), f"not sender,identifier,sent: {text!r}"
    return parsed  # type: ignore[return-value]  # each of length 3, as asserted above


def _check_point(text: str, what: str) -> None:
    lat, lon = (float(part) for part in text.split(","))
    assert -90 <= lat <= 90 and -180 <= lon <= 180, f"{what} is no WGS 84 point: {text!r}"


def assert_valid_cap(document: bytes) -> ElementTree.Element:
    """Check a CAP 1.2 document against the OASIS schema and the rules the schema cannot
    say; return its root element for the test's own assertions."""
    cap_schema().validate(document.decode("utf-8"))
    root = ElementTree.fromstring(document)
    _name(root.findtext(f"{CAP}identifier"), "identifier")
    _name(root.findtext(f"{CAP}sender"), "sender")
    sent = _time(root.findtext(f"{CAP}sent"), "sent")

    restricted = root.findtext(f"{CAP}scope") == "Restricted"
    assert (root.find(f"{CAP}restriction") is not None) == restricted, "restriction vs scope"

    references = cap_references(root)
    message_type = root.findtext(f"{CAP}msgType")
    if message_type in ("Update", "Cancel"):
        assert references, f"an {message_type} must reference the messages it replaces"
    for sender, identifier, referenced_sent in references:
        _name(sender, "a reference's sender")
        _name(identifier, "a reference's identifier")
        assert _time(referenced_sent, "a reference's sent") <= sent, "a later message referenced"
    assert len(set(references)) == len(references), "a message referenced twice"

    for info in root.iter(f"{CAP}info"):
        for name in ("effective", "onset"):
            if info.find(f"{CAP}{name}") is not None:
                _time(info.findtext(f"{CAP}{name}"), name)
        if info.find(f"{CAP}expires") is not None:
            expires = _time(info.findtext(f"{CAP}expires"), "expires")
            assert expires > sent, f"expires {expires} is not after sent {sent}"
        for area in info.iter(f"{CAP}area"):
            assert (area.findtext(f"{CAP}areaDesc") or "").strip(), "an area with no areaDesc"
            for polygon in area.iter(f"{CAP}polygon"):
                points = (polygon.text or "").split(" ")
                assert len(points) >= 4, f"a polygon needs 4 points or more: {polygon.text!r}"
                assert points[0] == points[-1], f"the polygon is not closed: {polygon.text!r}"
                for point in points:
                    _check_point(point, "a polygon's point")
            for circle in area.iter(f"{CAP}circle"):
                centre, radius = (circle.text or "").split(" ")
                _check_point(centre, "a circle's centre")
                assert 0 < float(radius) <= MAX_RADIUS_KM, f"radius not in km: {circle.text!r}"
    return root
