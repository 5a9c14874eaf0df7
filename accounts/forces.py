"""The 43 territorial police forces of England and Wales: a fixed list, keyed by a stable code."""

from django.db import models
from django.utils import translation


class PoliceForce(models.TextChoices):
    AVON_AND_SOMERSET = "avon-and-somerset", "Avon and Somerset Constabulary"
    BEDFORDSHIRE = "bedfordshire", "Bedfordshire Police"
    CAMBRIDGESHIRE = "cambridgeshire", "Cambridgeshire Constabulary"
    CHESHIRE = "cheshire", "Cheshire Constabulary"
    CITY_OF_LONDON = "city-of-london", "City of London Police"
    CLEVELAND = "cleveland", "Cleveland Police"
    CUMBRIA = "cumbria", "Cumbria Constabulary"
    DERBYSHIRE = "derbyshire", "Derbyshire Constabulary"
    DEVON_AND_CORNWALL = "devon-and-cornwall", "Devon and Cornwall Police"
    DORSET = "dorset", "Dorset Police"
    DURHAM = "durham", "Durham Constabulary"
    DYFED_POWYS = "dyfed-powys", "Dyfed-Powys Police"
    ESSEX = "essex", "Essex Police"
    GLOUCESTERSHIRE = "gloucestershire", "Gloucestershire Constabulary"
    GREATER_MANCHESTER = "greater-manchester", "Greater Manchester Police"
    GWENT = "gwent", "Gwent Police"
    HAMPSHIRE = "hampshire", "Hampshire and Isle of Wight Constabulary"
    HERTFORDSHIRE = "hertfordshire", "Hertfordshire Constabulary"
    HUMBERSIDE = "humberside", "Humberside Police"
    KENT = "kent", "Kent Police"
    LANCASHIRE = "lancashire", "Lancashire Constabulary"
    LEICESTERSHIRE = "leicestershire", "Leicestershire Police"
    LINCOLNSHIRE = "lincolnshire", "Lincolnshire Police"
    MERSEYSIDE = "merseyside", "Merseyside Police"
    METROPOLITAN = "metropolitan", "Metropolitan Police Service"
    NORFOLK = "norfolk", "Norfolk Constabulary"
    NORTH_WALES = "north-wales", "North Wales Police"
    NORTH_YORKSHIRE = "north-yorkshire", "North Yorkshire Police"
    NORTHAMPTONSHIRE = "northamptonshire", "Northamptonshire Police"
    NORTHUMBRIA = "northumbria", "Northumbria Police"
    NOTTINGHAMSHIRE = "nottinghamshire", "Nottinghamshire Police"
    SOUTH_WALES = "south-wales", "South Wales Police"
    SOUTH_YORKSHIRE = "south-yorkshire", "South Yorkshire Police"
    STAFFORDSHIRE = "staffordshire", "Staffordshire Police"
    SUFFOLK = "suffolk", "Suffolk Constabulary"
    SURREY = "surrey", "Surrey Police"
    SUSSEX = "sussex", "Sussex Police"
    THAMES_VALLEY = "thames-valley", "Thames Valley Police"
    WARWICKSHIRE = "warwickshire", "Warwickshire Police"
    WEST_MERCIA = "west-mercia", "West Mercia Police"
    WEST_MIDLANDS = "west-midlands", "West Midlands Police"
    WEST_YORKSHIRE = "west-yorkshire", "West Yorkshire Police"
    WILTSHIRE = "wiltshire", "Wiltshire Police"


# The forces of Wales, which write to the public in Welsh as well as English (the Welsh
# Language Standards), under their names in Welsh: the names they use themselves.
FORCES_IN_WALES = {
    PoliceForce.DYFED_POWYS.value: "Heddlu Dyfed-Powys",
    PoliceForce.GWENT.value: "Heddlu Gwent",
    PoliceForce.NORTH_WALES.value: "Heddlu Gogledd Cymru",
    PoliceForce.SOUTH_WALES.value: "Heddlu De Cymru",
}


def force_name(force: str, *, language: str) -> str:
    """The force's name in ``language`` ("en" or "cy"): a force in Wales has its Welsh name;
    the forces of England are known by their English names in Welsh too."""
    if language == "cy" and force in FORCES_IN_WALES:
        return FORCES_IN_WALES[force]
    return PoliceForce(force).label


def force_name_shown(force: str) -> str:
    """The force's name in the language of the moment (the request's or the person's)."""
    return force_name(force, language="cy" if translation.get_language() == "cy" else "en")
