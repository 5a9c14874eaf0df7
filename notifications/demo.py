"""Alerts for the demo: a liaison's hare coursing alert over the fields south-west of
Cambridge, and a coordinator's bogus-caller alert in Mill Road. Called by ``load_demo``;
adds nothing when the demo already has alerts."""

from accounts.models import User
from notifications.models import Alert
from notifications.services import alert_draft, alert_publish, preference_set
from schemes.models import Scheme


def load(people: dict[str, User]) -> None:
    if Alert.objects.exists():
        return
    # Volunteers who opted in to alerts, with the channels and kinds they chose.
    preference_set(user=people["volunteer@example.org"], data={"channels": ["email"]})
    preference_set(
        user=people["lucy@example.org"],
        data={"channels": [], "categories": ["rural_crime", "hare_coursing", "fly_tipping"]},
    )
    liaison = people["liaison.cambs@example.org"]
    hare_coursing = alert_draft(
        issuer=liaison,
        details={
            "title": "Hare coursing reported near Haslingfield",
            "body": "Two 4x4s with lurchers seen on the fields off Barton Road this morning. "
            "Do not approach: note registrations and call 999 if it is happening now.",
            "category": "hare_coursing",
            "severity": "Severe",
            "urgency": "Immediate",
            "audience": "members",
            "public": True,
        },
        area={"lat": 52.145, "lon": 0.04, "radius_m": 6000},
        scheme=None,
    )
    alert_publish(alert=hare_coursing, actor=liaison)

    margaret = people["margaret@example.org"]
    mill_road = Scheme.objects.get(name="Mill Road Neighbourhood Watch")
    scam = alert_draft(
        issuer=margaret,
        details={
            "title": "Bogus water board callers on Mill Road",
            "body": "Two men claiming to test the water pressure. Water companies make "
            "appointments: ask for ID and call the number on your bill.",
            "category": "bogus_caller",
            "severity": "Moderate",
            "urgency": "Expected",
            "audience": "members",
        },
        area={"lat": 52.1985, "lon": 0.141, "radius_m": 400},
        scheme=mill_road,
    )
    alert_publish(alert=scam, actor=margaret)
