"""Policing neighbourhood boundaries read from a file as forces publish them: a GeoJSON
FeatureCollection or a KML document, each feature (Placemark) a neighbourhood with its
force's id for it, its name and a Polygon or MultiPolygon (KML: a Polygon or a
MultiGeometry of Polygons).

Every bad feature is reported by the line of the file it starts on (a GeoJSON feature's
opening brace, a KML Placemark's start tag), all at once, and the file is refused whole:
``neighbourhood_rows`` gives the import either every neighbourhood or an error.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from lxml import etree
from rest_framework.exceptions import ValidationError

from areas import geo, regions
from core.exceptions import ContentTooLarge

# Where a feature's id and name are looked for, in this order: GeoJSON's own "id", then its
# properties (a KML Placemark's ExtendedData, then its id attribute), under the names the
# forces' published files use.
ID_KEYS = ("id", "ref", "code", "neighbourhood_id")
NAME_KEYS = ("name", "neighbourhood_name", "title")
REF_MAX_LENGTH = 100
NAME_MAX_LENGTH = 200

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# Where lxml says an error is, after its message: the line is given before it instead.
_LXML_WHERE = re.compile(r", line \d+, column \d+$")


@dataclass(frozen=True)
class NeighbourhoodRow:
    """One neighbourhood of a file, checked: the columns ``Neighbourhood`` stores."""

    line: int
    ref: str
    name: str
    boundary: dict[str, Any]
    centre: geo.Point
    box: geo.BBox


def neighbourhood_rows(upload: UploadedFile | None) -> list[NeighbourhoodRow]:
    """The neighbourhoods of an uploaded GeoJSON or KML file, or a 400 (413 for a file
    over the upload limit) listing every bad feature by its line."""
    if upload is None:
        raise ValidationError({"file": [_("Attach a GeoJSON or KML file as 'file'.")]})
    most = settings.UPLOAD_MAX_FILE_BYTES
    if (upload.size or 0) > most:
        raise ContentTooLarge(
            {
                "file": [
                    _("The file is %(size)s bytes; files of up to %(most)s bytes can be uploaded.")
                    % {"size": f"{upload.size:,}", "most": f"{most:,}"}
                ]
            }
        )
    upload.seek(0)
    data = upload.read()
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"{":
        features = _geojson_features(data)
    elif start == b"<":
        features = _kml_features(data)
    else:
        raise ValidationError(
            {"file": [_("Upload a GeoJSON FeatureCollection or a KML document.")]}
        )
    return _checked(features)


@dataclass(frozen=True)
class _Feature:
    """A feature as read, before its checks: its line and what it gave (None where it gave
    nothing), or the problem that stopped it being read."""

    line: int
    ref: str | None = None
    name: str | None = None
    geometry: Any = None
    problem: str = ""


def _checked(features: list[_Feature]) -> list[NeighbourhoodRow]:
    if not features:
        raise ValidationError({"file": [_("The file holds no neighbourhoods.")]})
    rows: list[NeighbourhoodRow] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    for feature in features:
        problems, region = _problems(feature, first_line)
        if problems or region is None:
            errors += [
                _("Line %(line)s: %(problem)s") % {"line": feature.line, "problem": problem}
                for problem in problems
            ]
            continue
        boundary, centre, box = region
        rows.append(
            NeighbourhoodRow(
                feature.line, str(feature.ref), str(feature.name), boundary, centre, box
            )
        )
    if errors:
        raise ValidationError({"file": errors})
    return rows


def _problems(
    feature: _Feature, first_line: dict[str, int]
) -> tuple[list[str], tuple[dict[str, Any], geo.Point, geo.BBox] | None]:
    """What is wrong with a feature (nothing, for a good one), and its region once checked
    (``regions.clean_region``). A feature's id is noted in ``first_line``, so that a later
    feature with the same id is refused."""
    if feature.problem:
        return [feature.problem], None
    problems: list[str] = []
    if not feature.ref:
        problems.append(
            _("the neighbourhood has no id: give one as id, ref, code or neighbourhood_id.")
        )
    elif len(feature.ref) > REF_MAX_LENGTH:
        problems.append(_("the id is longer than %(most)s characters.") % {"most": REF_MAX_LENGTH})
    elif feature.ref in first_line:
        problems.append(
            _("the id %(ref)s is already the id of the neighbourhood on line %(line)s.")
            % {"ref": feature.ref, "line": first_line[feature.ref]}
        )
    else:
        first_line[feature.ref] = feature.line
    if not feature.name:
        problems.append(
            _("the neighbourhood has no name: give one as name, neighbourhood_name or title.")
        )
    elif len(feature.name) > NAME_MAX_LENGTH:
        problems.append(
            _("the name is longer than %(most)s characters.") % {"most": NAME_MAX_LENGTH}
        )
    try:
        region = regions.clean_region(feature.geometry)
    except DjangoValidationError as exc:
        return [*problems, *exc.messages], None
    return problems, region


def _text(value: Any) -> str | None:
    """A property's value as text (a number id as its digits), or None for none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return text or None
    return None


# --- GeoJSON ---------------------------------------------------------------------------


def _geojson_features(data: bytes) -> list[_Feature]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": [_("The file is not UTF-8 text.")]}) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            {
                "file": [
                    _("Line %(line)s: %(problem)s")
                    % {
                        "line": exc.lineno,
                        "problem": _("this is not JSON (%(error)s).") % {"error": exc.msg},
                    }
                ]
            }
        ) from exc
    except RecursionError as exc:
        raise ValidationError(
            {"file": [_("JSON parse error - the document is nested too deeply.")]}
        ) from exc
    except ValueError as exc:  # a number too long to read
        raise ValidationError({"file": [str(exc)]}) from exc
    if (
        not isinstance(document, dict)
        or document.get("type") != "FeatureCollection"
        or not isinstance(document.get("features"), list)
    ):
        raise ValidationError(
            {
                "file": [
                    _(
                        'Give a GeoJSON FeatureCollection: an object with "type": '
                        '"FeatureCollection" and a list of "features".'
                    )
                ]
            }
        )
    lines = _feature_lines(text)
    return [
        _geojson_feature(line, item) for line, item in zip(lines, document["features"], strict=True)
    ]


def _skip_space(text: str, index: int) -> int:
    """Where the JSON whitespace from ``index`` ends (``index`` itself when there is none)."""
    space = _WHITESPACE.match(text, index)
    return space.end() if space else index


def _feature_lines(text: str) -> list[int]:
    """The line each element of the top-level object's "features" list starts on. The text
    is valid JSON (``json.loads`` read it), so it is walked with the standard decoder,
    value by value, noting where each feature starts; as for ``json.loads``, the last
    "features" of the object counts."""
    decoder = json.JSONDecoder()
    starts: list[int] = []
    index = _skip_space(text, 0) + 1
    while True:
        index = _skip_space(text, index)
        if text[index] == "}":
            break
        key, index = decoder.raw_decode(text, index)
        index = _skip_space(text, index) + 1  # the colon
        index = _skip_space(text, index)
        if key == "features" and text[index] == "[":
            starts = []
            index += 1  # the list's bracket
            while True:
                index = _skip_space(text, index)
                if text[index] == "]":
                    index += 1
                    break
                starts.append(index)
                _, index = decoder.raw_decode(text, index)
                index = _skip_space(text, index)
                if text[index] == ",":
                    index += 1
        else:
            _, index = decoder.raw_decode(text, index)
        index = _skip_space(text, index)
        if text[index] == ",":
            index += 1
    lines: list[int] = []
    line, counted = 1, 0
    for start in starts:
        line += text.count("\n", counted, start)
        counted = start
        lines.append(line)
    return lines


def _geojson_feature(line: int, item: Any) -> _Feature:
    if not isinstance(item, dict) or item.get("type") != "Feature":
        return _Feature(line, problem=_('this is not a GeoJSON Feature ("type": "Feature").'))
    properties = item.get("properties")
    if not isinstance(properties, dict):
        properties = {}
    ref = _text(item.get("id"))
    for key in ID_KEYS:
        ref = ref or _text(properties.get(key))
    name = None
    for key in NAME_KEYS:
        name = name or _text(properties.get(key))
    return _Feature(line, ref, name, item.get("geometry"))


# --- KML -------------------------------------------------------------------------------

# No entity is expanded, no DTD loaded, nothing fetched from the network, and no tree
# deeper or larger than lxml's ordinary limits: a KML file is untrusted input.
_KML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


def _local(element: Any) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child) == name]


def _descendants(element: Any, name: str) -> list[Any]:
    return [child for child in element.iter() if _local(child) == name]


def _kml_features(data: bytes) -> list[_Feature]:
    try:
        root = etree.fromstring(data, _KML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ValidationError(
            {
                "file": [
                    _("Line %(line)s: %(problem)s")
                    % {
                        "line": exc.lineno,
                        "problem": _("this is not well-formed XML (%(error)s).")
                        % {"error": _LXML_WHERE.sub("", exc.msg)},
                    }
                ]
            }
        ) from exc
    if root.getroottree().docinfo.doctype:
        # A KML document has no DOCTYPE; one that has may declare entities.
        raise ValidationError({"file": [_("A KML document has no DOCTYPE.")]})
    if _local(root) != "kml":
        raise ValidationError(
            {"file": [_("Upload a GeoJSON FeatureCollection or a KML document.")]}
        )
    return [_kml_feature(placemark) for placemark in _descendants(root, "Placemark")]


def _kml_feature(placemark: Any) -> _Feature:
    line = placemark.sourceline or 0
    values: dict[str, str] = {}
    for data in _descendants(placemark, "Data"):
        value = _children(data, "value")
        if data.get("name") and value:
            values.setdefault(data.get("name"), (value[0].text or "").strip())
    for data in _descendants(placemark, "SimpleData"):
        if data.get("name"):
            values.setdefault(data.get("name"), (data.text or "").strip())
    ref = None
    for key in ID_KEYS:
        ref = ref or _text(values.get(key))
    ref = ref or _text(placemark.get("id"))
    names = _children(placemark, "name")
    name = _text(names[0].text) if names else None
    for key in NAME_KEYS:
        name = name or _text(values.get(key))
    polygons = _descendants(placemark, "Polygon")
    if not polygons:
        return _Feature(
            line, ref, name, problem=_("the Placemark has no Polygon or MultiGeometry of them.")
        )
    try:
        geometry = {
            "type": "MultiPolygon",
            "coordinates": [_kml_polygon(polygon) for polygon in polygons],
        }
    except ValueError:
        return _Feature(
            line,
            ref,
            name,
            problem=_(
                "the coordinates must be longitude,latitude pairs (a height may follow), "
                "separated by spaces."
            ),
        )
    return _Feature(line, ref, name, geometry)


def _kml_polygon(polygon: Any) -> list[list[list[float]]]:
    """A KML Polygon's rings as GeoJSON's: the outer one, then the inner ones."""
    rings = []
    for side in ("outerBoundaryIs", "innerBoundaryIs"):
        for boundary in _children(polygon, side):
            for coordinates in _descendants(boundary, "coordinates"):
                rings.append(
                    [
                        [float(number) for number in position.split(",")]
                        for position in (coordinates.text or "").split()
                    ]
                )
    if not rings:
        raise ValueError("no rings")
    return rings
