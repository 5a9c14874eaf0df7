"""Policing neighbourhoods: importing a force's boundaries (GeoJSON and KML), bad features
reported by line with nothing imported, alerts sent to neighbourhoods (the union of their
areas, kept when the force's set is replaced), the neighbourhoods a scheme lies in and the
directory by neighbourhood."""

import json
import random
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from areas import geo
from areas.regions import Region, clean_region
from notifications.models import Alert
from schemes.models import MembershipRole, Neighbourhood, Scheme
from tests.factories import MembershipFactory, SchemeFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/"
IMPORT = f"{API}neighbourhoods/import/"
SAMPLE = Path(__file__).parent.parent / "schemes" / "data" / "neighbourhoods-cambridgeshire.geojson"


def _rect(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def _upload(text: str | bytes, name: str = "neighbourhoods.geojson") -> dict:
    data = text.encode() if isinstance(text, str) else text
    return {"file": SimpleUploadedFile(name, data)}


def _import(client, text: str | bytes, name: str = "neighbourhoods.geojson", **extra):
    return client.post(IMPORT, {**_upload(text, name), **extra}, format="multipart")


def _listed(client, force: str = "cambridgeshire") -> list[tuple[str, str, int]]:
    response = client.get(f"{API}neighbourhoods/", {"force": force})
    assert response.status_code == 200, response.content
    return [(n["ref"], n["name"], n["active_schemes"]) for n in response.json()["results"]]


def _ids() -> dict[str, int]:
    return dict(Neighbourhood.objects.values_list("ref", "pk"))


@pytest.fixture
def schemes(db) -> dict[str, Scheme]:
    """Active schemes in and around the sample neighbourhoods, each with a coordinator."""
    made = {
        "mill_road": SchemeFactory(
            name="Mill Road Neighbourhood Watch", lat=52.1985, lon=0.1410, radius=700
        ),
        # On the line between Cambridge East and Cambridge North: in both.
        "chesterton": SchemeFactory(
            name="Chesterton Neighbourhood Watch", lat=52.2195, lon=0.1360, radius=900
        ),
        "histon": SchemeFactory(
            name="Histon & Impington Speedwatch",
            kind="speedwatch",
            lat=52.2520,
            lon=0.1050,
            radius=1800,
        ),
        "ely": SchemeFactory(name="Ely City Neighbourhood Watch", lat=52.3986, lon=0.2622),
        "haslingfield": SchemeFactory(
            name="Haslingfield Community Speedwatch", kind="speedwatch", lat=52.149, lon=0.057
        ),
        # Inside the hole of South and West Cambridgeshire's first polygon.
        "hole": SchemeFactory(name="Hole in the Middle Watch", lat=52.109, lon=0.020, radius=300),
        "huntingdon": SchemeFactory(
            name="Huntingdon Neighbourhood Watch", lat=52.3310, lon=-0.1830
        ),
    }
    for scheme in made.values():
        MembershipFactory(scheme=scheme, role=MembershipRole.COORDINATOR)
    return made


@pytest.fixture
def sample(client_for, liaison) -> dict[str, int]:
    """The demo's sample set, imported by the Cambridgeshire liaison; ids by ref."""
    response = _import(client_for(liaison), SAMPLE.read_text())
    assert response.status_code == 200, response.content
    return _ids()


# --- Importing ---------------------------------------------------------------------------


def test_import_geojson_then_replace_the_set(client_for, liaison, schemes) -> None:
    client = client_for(liaison)
    response = _import(client, SAMPLE.read_text())
    assert response.status_code == 200, response.content
    assert response.json() == {
        "force": "cambridgeshire",
        "neighbourhoods": 4,
        "added": 4,
        "changed": 0,
        "removed": 0,
    }
    assert _listed(client) == [
        ("CAM-EAST", "Cambridge East", 2),
        ("CAM-NORTH", "Cambridge North", 2),
        ("ECAMBS-ELY", "Ely", 1),
        ("SW-CAMBS", "South and West Cambridgeshire", 1),
    ]
    first = _ids()
    stored = Neighbourhood.objects.get(ref="SW-CAMBS").boundary
    assert stored["type"] == "MultiPolygon"
    assert [len(polygon) for polygon in stored["coordinates"]] == [2, 1]  # the hole is kept

    replacement = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "CAM-EAST",
                "properties": {"name": "Cambridge East and Romsey"},
                "geometry": {"type": "Polygon", "coordinates": [_rect(0.12, 52.18, 0.2, 52.215)]},
            },
            {
                "type": "Feature",
                "properties": {"neighbourhood_id": 77, "neighbourhood_name": "Huntingdon"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [_rect(-0.22, 52.31, -0.15, 52.35)],
                },
            },
        ],
    }
    response = _import(client, json.dumps(replacement, indent=2))
    assert response.json() == {
        "force": "cambridgeshire",
        "neighbourhoods": 2,
        "added": 1,
        "changed": 1,
        "removed": 3,
    }
    assert _listed(client) == [
        ("CAM-EAST", "Cambridge East and Romsey", 2),
        ("77", "Huntingdon", 1),
    ]
    # A neighbourhood keeps its id across imports: links to it still work.
    assert _ids()["CAM-EAST"] == first["CAM-EAST"]


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document>
  <name>Cambridgeshire neighbourhoods</name>
  <Placemark id="east">
    <name>Cambridge East</name>
    <ExtendedData><Data name="code"><value>CAM-EAST</value></Data></ExtendedData>
    <Polygon><outerBoundaryIs><LinearRing><coordinates>
      0.125,52.18,0 0.2,52.18,0 0.2,52.215,0 0.125,52.215,0 0.125,52.18,0
    </coordinates></LinearRing></outerBoundaryIs></Polygon>
  </Placemark>
  <Placemark>
    <name>South and West Cambridgeshire</name>
    <ExtendedData><SchemaData schemaUrl="#n">
      <SimpleData name="neighbourhood_id">SW-CAMBS</SimpleData>
    </SchemaData></ExtendedData>
    <MultiGeometry>
      <Polygon>
        <outerBoundaryIs><LinearRing><coordinates>
          0,52.1 0.1,52.1 0.1,52.175 0,52.175 0,52.1
        </coordinates></LinearRing></outerBoundaryIs>
        <innerBoundaryIs><LinearRing><coordinates>
          0.01,52.103 0.01,52.115 0.03,52.115 0.03,52.103 0.01,52.103
        </coordinates></LinearRing></innerBoundaryIs>
      </Polygon>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>
        -0.33,52.19 -0.24,52.19 -0.24,52.245 -0.33,52.245 -0.33,52.19
      </coordinates></LinearRing></outerBoundaryIs></Polygon>
    </MultiGeometry>
  </Placemark>
  <Placemark id="ELY">
    <name>Ely</name>
    <Polygon><outerBoundaryIs><LinearRing><coordinates>
      0.22,52.37 0.31,52.37 0.31,52.425 0.22,52.425 0.22,52.37
    </coordinates></LinearRing></outerBoundaryIs></Polygon>
  </Placemark>
</Document>
</kml>
"""


def test_import_kml(client_for, liaison, schemes) -> None:
    client = client_for(liaison)
    response = _import(client, KML, "neighbourhoods.kml")
    assert response.status_code == 200, response.content
    assert response.json()["added"] == 3
    assert _listed(client) == [
        ("CAM-EAST", "Cambridge East", 2),
        ("ELY", "Ely", 1),
        ("SW-CAMBS", "South and West Cambridgeshire", 1),
    ]
    kml = Neighbourhood.objects.get(ref="SW-CAMBS").boundary
    assert [len(polygon) for polygon in kml["coordinates"]] == [2, 1]


FRANCE = {"type": "Polygon", "coordinates": [_rect(2.35, 48.85, 2.4, 48.9)]}
CROSSED = {
    "type": "Polygon",
    "coordinates": [[[0.1, 52.1], [0.2, 52.2], [0.2, 52.1], [0.1, 52.2], [0.1, 52.1]]],
}


def _feature(ref: str | None, name: str | None, geometry: dict) -> str:
    properties = {} if name is None else {"name": name}
    feature: dict = {"type": "Feature", "properties": properties, "geometry": geometry}
    if ref is not None:
        feature["id"] = ref
    return json.dumps(feature)


def test_bad_features_are_reported_by_line_and_nothing_is_imported(
    client_for, liaison, sample
) -> None:
    good = {"type": "Polygon", "coordinates": [_rect(0.1, 52.1, 0.2, 52.2)]}
    pretty = json.dumps(json.loads(_feature("A", "Good", good)), indent=2).replace("\n", "\n    ")
    text = "\n".join(
        [
            "{",
            '  "type": "FeatureCollection",',
            '  "features": [',
            f"    {pretty},",  # lines 4 to 30
            f"    {_feature('B', 'Abroad', FRANCE)},",
            f"    {_feature('C', None, good)},",
            f"    {_feature('A', 'Again', good)},",
            '    {"type": "Point", "coordinates": [0.1, 52.1]},',
            f"    {_feature('D', 'Crossed', CROSSED)}",
            "  ]",
            "}",
        ]
    )
    lines = text.split("\n")
    first_bad = next(n for n, line in enumerate(lines, 1) if "Abroad" in line)
    response = _import(client_for(liaison), text)
    assert response.status_code == 400
    assert response.json() == {
        "file": [
            f"Line {first_bad}: Position 0: (48.85000, 2.35000) is outside England and Wales: "
            "check latitude and longitude are not swapped.",
            f"Line {first_bad + 1}: the neighbourhood has no name: give one as name, "
            "neighbourhood_name or title.",
            f"Line {first_bad + 2}: the id A is already the id of the neighbourhood on line 4.",
            f'Line {first_bad + 3}: this is not a GeoJSON Feature ("type": "Feature").',
            f"Line {first_bad + 4}: The boundary crosses itself; draw it without overlapping "
            "edges.",
        ]
    }
    # The set imported before is untouched.
    assert _ids() == sample


def test_bad_kml_placemarks_are_reported_by_line(client_for, liaison, sample) -> None:
    text = KML.replace(
        "<name>Ely</name>", "<name>Ely</name><Point><coordinates>0.26,52.4</coordinates></Point>"
    ).replace("0.22,52.37 0.31,52.37", "0.22;52.37 0.31,52.37")
    placemark_lines = [n for n, line in enumerate(text.split("\n"), 1) if "<Placemark" in line]
    response = _import(client_for(liaison), text, "bad.kml")
    assert response.status_code == 400
    assert response.json() == {
        "file": [
            f"Line {placemark_lines[2]}: the coordinates must be longitude,latitude pairs (a "
            "height may follow), separated by spaces."
        ]
    }
    head, _ = KML.split("<name>Ely</name>")
    no_polygon = (
        f"{head}<name>Ely</name><Point><coordinates>0.26,52.4</coordinates></Point>\n"
        "  </Placemark>\n</Document>\n</kml>\n"
    )
    response = _import(client_for(liaison), no_polygon, "bad.kml")
    assert response.json() == {
        "file": [
            f"Line {placemark_lines[2]}: the Placemark has no Polygon or MultiGeometry of them."
        ]
    }
    assert _ids() == sample


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Upload a GeoJSON FeatureCollection or a KML document."),
        ("  \n", "Upload a GeoJSON FeatureCollection or a KML document."),
        (
            '{"type": "FeatureCollection",\n "features": [}',
            "Line 2: this is not JSON (Expecting value).",
        ),
        (
            '{"type": "Feature"}',
            'Give a GeoJSON FeatureCollection: an object with "type": '
            '"FeatureCollection" and a list of "features".',
        ),
        ('{"type": "FeatureCollection", "features": []}', "The file holds no neighbourhoods."),
        (
            "<kml><Document>\n<Placemark></Document></kml>",
            "Line 2: this is not well-formed XML "
            "(Opening and ending tag mismatch: Placemark line 2 and Document).",
        ),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY boom "boom">]>\n<kml>&boom;</kml>',
            "A KML document has no DOCTYPE.",
        ),
        ("<gpx></gpx>", "Upload a GeoJSON FeatureCollection or a KML document."),
    ],
)
def test_files_that_are_not_neighbourhoods(client_for, liaison, text, message) -> None:
    response = _import(client_for(liaison), text)
    assert (response.status_code, response.json()) == (400, {"file": [message]})
    assert not Neighbourhood.objects.exists()


def test_a_file_over_the_upload_limit(client_for, liaison, settings) -> None:
    settings.UPLOAD_MAX_FILE_BYTES = 1000
    response = _import(client_for(liaison), SAMPLE.read_text())
    assert response.status_code == 413
    size = len(SAMPLE.read_bytes())
    assert response.json() == {
        "file": [f"The file is {size:,} bytes; files of up to 1,000 bytes can be uploaded."]
    }


def test_who_may_import(client_for, anon, foreign_liaison, coordinator, volunteer) -> None:
    text = SAMPLE.read_text()
    assert _import(anon, text).status_code == 401
    for person in (coordinator, volunteer):
        response = _import(client_for(person), text)
        assert response.json() == {
            "detail": "Only staff and police liaisons import neighbourhoods."
        }
        assert response.status_code == 403
    # Another force's liaison imports only their own force's set.
    response = _import(client_for(foreign_liaison), text, force="cambridgeshire")
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "A liaison imports their own force's neighbourhoods only."},
    )
    assert not Neighbourhood.objects.filter(force="cambridgeshire").exists()
    staff = client_for(UserFactory(name="Sally Staff", is_staff=True))
    response = _import(staff, text)
    assert (response.status_code, response.json()) == (
        400,
        {"force": ["Name the force whose neighbourhoods these are."]},
    )
    response = _import(staff, text, force="cambridgeshire")
    assert (response.status_code, response.json()["neighbourhoods"]) == (200, 4)


def test_the_list_is_public_and_filtered(anon, sample, schemes, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert [name for _, name, _ in _listed(anon)] == [
            "Cambridge East",
            "Cambridge North",
            "Ely",
            "South and West Cambridgeshire",
        ]
    assert _listed(anon, "bedfordshire") == []
    response = anon.get(f"{API}neighbourhoods/", {"q": "cambridge"})
    assert [n["name"] for n in response.json()["results"]] == [
        "Cambridge East",
        "Cambridge North",
        "South and West Cambridgeshire",
    ]


# --- Schemes and the directory -------------------------------------------------------------


def test_a_scheme_shows_the_neighbourhoods_it_lies_in(anon, sample, schemes) -> None:
    def shown(scheme: str) -> list[tuple[str, str]]:
        data = anon.get(f"{API}schemes/{schemes[scheme].pk}/").json()
        return [(n["ref"], n["name"]) for n in data["neighbourhoods"]]

    assert shown("chesterton") == [("CAM-EAST", "Cambridge East"), ("CAM-NORTH", "Cambridge North")]
    assert shown("haslingfield") == [("SW-CAMBS", "South and West Cambridgeshire")]
    assert shown("hole") == []  # in the hole of that neighbourhood
    assert shown("huntingdon") == []


def test_the_directory_by_neighbourhood(anon, sample, schemes) -> None:
    def names(**query) -> list[str]:
        response = anon.get(f"{API}schemes/", query)
        assert response.status_code == 200, response.content
        return [scheme["name"] for scheme in response.json()["results"]]

    assert names(neighbourhood=sample["CAM-EAST"]) == [
        "Chesterton Neighbourhood Watch",
        "Mill Road Neighbourhood Watch",
    ]
    assert names(neighbourhood=sample["CAM-NORTH"], kind="speedwatch") == [
        "Histon & Impington Speedwatch"
    ]
    assert names(neighbourhood=999_999) == []
    response = anon.get(f"{API}schemes/", {"neighbourhood": "east"})
    assert response.status_code == 400
    assert list(response.json()) == ["neighbourhood"]


# --- Alerts to neighbourhoods ------------------------------------------------------------


def _alert(**extra) -> dict:
    return {
        "title": "Catalytic converter thefts",
        "body": "Thefts from parked cars overnight.",
        "category": "vehicle_crime",
        "severity": "Moderate",
        "urgency": "Expected",
        "audience": "coordinators",
        **extra,
    }


@pytest.fixture
def publish(client_for, django_capture_on_commit_callbacks):
    def send(user, **extra) -> dict:
        client = client_for(user)
        draft = client.post(f"{API}alerts/", _alert(**extra), format="json")
        assert draft.status_code == 201, draft.content
        with django_capture_on_commit_callbacks(execute=True):
            published = client.post(f"{API}alerts/{draft.json()['id']}/publish/")
        assert published.status_code == 200, published.content
        return client.get(f"{API}alerts/{draft.json()['id']}/").json()

    return send


def _reached(alert_id: int) -> list[str]:
    return sorted(Alert.objects.get(pk=alert_id).matched_schemes.values_list("name", flat=True))


def test_an_alert_to_neighbourhoods_reaches_their_union(
    publish, client_for, liaison, sample, schemes
) -> None:
    alert = publish(liaison, neighbourhoods=[sample["CAM-EAST"], sample["ECAMBS-ELY"]])
    assert alert["area_name"] == "Cambridge East, Ely"
    assert alert["recipients_count"] == 3
    assert _reached(alert["id"]) == [
        "Chesterton Neighbourhood Watch",
        "Ely City Neighbourhood Watch",
        "Mill Road Neighbourhood Watch",
    ]
    # Its map shows their outline, which holds both.
    assert alert["boundary"]["type"] == "Polygon"
    # A MultiPolygon with a hole: the schemes in either part, none in the hole.
    alert = publish(liaison, neighbourhoods=[sample["SW-CAMBS"]], area_name="South Cambs")
    assert alert["area_name"] == "South Cambs"
    assert _reached(alert["id"]) == ["Haslingfield Community Speedwatch"]


def test_the_preview_of_an_alert_to_neighbourhoods(client_for, liaison, sample, schemes) -> None:
    response = client_for(liaison).post(
        f"{API}alerts/preview/", _alert(neighbourhoods=[sample["CAM-NORTH"]]), format="json"
    )
    assert response.status_code == 200, response.content
    assert sorted(s["name"] for s in response.json()["schemes"]) == [
        "Chesterton Neighbourhood Watch",
        "Histon & Impington Speedwatch",
    ]
    assert response.json()["recipients"] == 2


def test_the_preview_reads_the_schemes_of_all_its_neighbourhoods_at_once(
    client_for, liaison, sample, schemes
) -> None:
    """Four neighbourhoods cost the queries of one: the schemes around them all are read in
    one query, and each neighbourhood still reaches only the schemes it touches."""
    client = client_for(liaison)

    def preview(*refs: str) -> tuple[list[str], int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"{API}alerts/preview/",
                _alert(neighbourhoods=[sample[ref] for ref in refs]),
                format="json",
            )
        assert response.status_code == 200, response.content
        return sorted(s["name"] for s in response.json()["schemes"]), len(queries)

    one, queries_for_one = preview("ECAMBS-ELY")
    assert one == ["Ely City Neighbourhood Watch"]
    every, queries_for_four = preview("CAM-EAST", "CAM-NORTH", "SW-CAMBS", "ECAMBS-ELY")
    assert every == [
        "Chesterton Neighbourhood Watch",
        "Ely City Neighbourhood Watch",
        "Haslingfield Community Speedwatch",
        "Histon & Impington Speedwatch",
        "Mill Road Neighbourhood Watch",
    ]
    assert queries_for_four == queries_for_one


def test_alerts_keep_their_neighbourhoods_when_the_set_is_replaced(
    publish, client_for, liaison, sample, schemes, django_capture_on_commit_callbacks
) -> None:
    client = client_for(liaison)
    sent = publish(liaison, neighbourhoods=[sample["CAM-EAST"]])
    draft = client.post(
        f"{API}alerts/", _alert(neighbourhoods=[sample["CAM-EAST"]]), format="json"
    ).json()
    # The force's new set moves Cambridge East away from Mill Road and Chesterton.
    moved = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "CAM-EAST",
                "properties": {"name": "Cherry Hinton"},
                "geometry": {"type": "Polygon", "coordinates": [_rect(0.17, 52.17, 0.22, 52.19)]},
            }
        ],
    }
    assert _import(client, json.dumps(moved)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{API}alerts/{draft['id']}/publish/").status_code == 200
    published = client.get(f"{API}alerts/{draft['id']}/").json()
    assert (published["area_name"], published["recipients_count"]) == ("Cambridge East", 2)
    assert (
        _reached(draft["id"])
        == _reached(sent["id"])
        == [
            "Chesterton Neighbourhood Watch",
            "Mill Road Neighbourhood Watch",
        ]
    )
    # An update goes to the same schemes, and carries the same neighbourhoods.
    with django_capture_on_commit_callbacks(execute=True):
        update = client.post(
            f"{API}alerts/{sent['id']}/update_alert/",
            {"body": "Two more overnight."},
            format="json",
        )
    assert update.status_code == 201, update.content
    kept = Alert.objects.get(pk=update.json()["id"])
    assert [n["name"] for n in kept.neighbourhoods] == ["Cambridge East"]
    assert _reached(kept.pk) == _reached(sent["id"])
    # New alerts go by the new set.
    assert publish(liaison, neighbourhoods=[sample["CAM-EAST"]])["recipients_count"] == 0


def test_who_may_send_to_neighbourhoods(
    client_for, liaison, foreign_liaison, sample, schemes
) -> None:
    coordinator = schemes["mill_road"].memberships.get().user
    response = client_for(coordinator).post(
        f"{API}alerts/",
        _alert(neighbourhoods=[sample["CAM-EAST"]], scheme=schemes["mill_road"].pk),
        format="json",
    )
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Only police liaisons send alerts to neighbourhoods."},
    )
    response = client_for(foreign_liaison).post(
        f"{API}alerts/", _alert(neighbourhoods=[sample["CAM-EAST"]]), format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"neighbourhoods": [f"Not neighbourhoods of your force: {sample['CAM-EAST']}."]},
    )
    response = client_for(liaison).post(
        f"{API}alerts/",
        _alert(neighbourhoods=[sample["CAM-EAST"]], lat=52.2, lon=0.14, radius_m=500),
        format="json",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"neighbourhoods": ["Give neighbourhoods or an area (a circle or a boundary), not both."]},
    )
    assert not Alert.objects.exists()


def test_demo_has_the_sample_neighbourhoods(demo, anon) -> None:
    mill_road = Scheme.objects.get(name="Mill Road Neighbourhood Watch")
    data = anon.get(f"{API}schemes/{mill_road.pk}/").json()
    assert [n["name"] for n in data["neighbourhoods"]] == ["Cambridge East"]
    assert _listed(anon) == [
        ("CAM-EAST", "Cambridge East", 2),
        ("CAM-NORTH", "Cambridge North", 2),
        ("ECAMBS-ELY", "Ely", 1),
        ("SW-CAMBS", "South and West Cambridgeshire", 3),
    ]


# --- The geometry ------------------------------------------------------------------------


def test_regions_match_circles_as_the_one_distance_does() -> None:
    """Circles near a region's edge are reached exactly when ``geo.distance_to_polygon_m``
    says so, at any distance from the region's centre (where its own projection differs
    most from the circle's)."""
    ring = _rect(-0.3, 52.0, 0.3, 52.4)
    region = Region(clean_region({"type": "Polygon", "coordinates": [ring]})[0])
    clean = geo.rfc7946_polygon({"coordinates": [ring]})
    chance = random.Random(16)
    rows = []
    for pk in range(400):
        lat, lon = 52.2 + chance.uniform(-0.3, 0.3), chance.uniform(-0.45, 0.45)
        distance = geo.distance_to_polygon_m(geo.Point(lat, lon), geo.polygon_ring(clean))
        radius = max(1.0, distance + chance.choice([-0.01, 0.01, -50, 50]))
        rows.append((pk, lat, lon, radius, None, 0.0, 0.0, 0.0, 0.0))
    expected = [
        pk
        for pk, lat, lon, radius, *_ in rows
        if geo.distance_to_polygon_m(geo.Point(lat, lon), geo.polygon_ring(clean)) <= radius
    ]
    assert sorted(region.overlapping_ids(rows)) == expected
