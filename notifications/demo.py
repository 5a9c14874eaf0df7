"""Alerts for the demo: a liaison's hare coursing alert over the fields south-west of
Cambridge, a coordinator's bogus-caller alert in Mill Road with a volunteer's reply, and a
liaison's draft about fly-tipping in the Fens, not yet sent; and Cambridgeshire's alert
templates. No force asks for a second liaison's approval in the demo (set it on the
approval settings screen). Called by ``load_demo``; adds nothing when the demo already has
alerts."""

from accounts.models import User
from notifications import dispatch
from notifications.models import Alert, AlertTemplate
from notifications.services import alert_draft, alert_publish, preference_set, reply_create
from schemes.models import Scheme

TEMPLATES = [
    {
        "name": "Bogus callers",
        "title": "Bogus callers in {place}",
        "body": "People claiming to be from {description} have called at homes in {place} "
        "on {date}. Genuine callers make appointments and carry identification.",
        "instruction": "Do not let them in. Ask for identification and call the company on "
        "the number on your bill, not one they give you.",
        "translated_title": "Galwyr ffug yn {place}",
        "translated_body": "Mae pobl sy'n honni eu bod o {description} wedi galw mewn cartrefi "
        "yn {place} ar {date}. Mae galwyr dilys yn trefnu apwyntiad ac yn cario cerdyn adnabod.",
        "category": "bogus_caller",
        "severity": "Moderate",
    },
    {
        "name": "Hare coursing",
        "title": "Hare coursing near {place}",
        "body": "Vehicles with dogs were seen on farmland near {place} at {time} on {date}: "
        "{description}.",
        "instruction": "Do not approach. Note registrations and call 999 if it is happening now.",
        "category": "hare_coursing",
        "severity": "Severe",
    },
]


def _templates() -> None:
    if AlertTemplate.objects.exists():
        return
    for template in TEMPLATES:
        AlertTemplate.objects.create(force="cambridgeshire", **template)


def load(people: dict[str, User]) -> None:
    _templates()
    if Alert.objects.exists():
        return
    # Members hear their schemes' alerts in the app and by email without choosing anything;
    # Lucy narrowed hers to the inbox and the rural kinds of alert.
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
            "area_name": "Fields around Haslingfield and Barton",
            "severity": "Severe",
            "urgency": "Immediate",
            "audience": "members",
            "public": True,
        },
        area={"lat": 52.145, "lon": 0.04, "radius_m": 6000},
        scheme=None,
    )
    alert_publish(alert=hare_coursing, actor=liaison)

    alert_draft(
        issuer=liaison,
        details={
            "title": "Fly-tipping in the droves north of March",
            "body": "Builders' waste and tyres dumped from a tipper lorry in three droves this "
            "week. Note the registration of any lorry in the droves after dark.",
            "category": "fly_tipping",
            "area_name": "The droves north of March",
            "severity": "Minor",
            "urgency": "Expected",
            "audience": "members",
            "scheme_kinds": ["countryside"],
        },
        area={"lat": 52.6, "lon": 0.09, "radius_m": 5000},
        scheme=None,
    )

    margaret = people["margaret@example.org"]
    mill_road = Scheme.objects.get(name="Mill Road Neighbourhood Watch")
    scam = alert_draft(
        issuer=margaret,
        details={
            "title": "Bogus water board callers on Mill Road",
            "body": "Two men claiming to test the water pressure. Water companies make "
            "appointments: ask for ID and call the number on your bill.",
            "category": "bogus_caller",
            "area_name": "Mill Road, Cambridge",
            "severity": "Moderate",
            "urgency": "Expected",
            "audience": "members",
        },
        area={"lat": 52.1985, "lon": 0.141, "radius_m": 400},
        scheme=mill_road,
    )
    alert_publish(alert=scam, actor=margaret)
    # Only those it reached can reply, and who it reached is stored by its dispatch, which
    # runs after the commit: on a worker, when there is a broker, perhaps much later. So the
    # demo stores the alert's notices now, in its own transaction, and the volunteer replies
    # to it there. The dispatch queued on commit finds them already stored and delivers them.
    dispatch.alert_queue_notices(alert_id=scam.pk)
    reply_create(
        alert=scam,
        author=people["volunteer@example.org"],
        body="Two men in hi-vis knocked at number 40 around 11 am; they left when asked for ID.",
    )
