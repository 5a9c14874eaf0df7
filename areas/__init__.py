"""Every geometric rule of Patchwatch, for schemes and alerts alike.

- ``areas.geo``: points, circles and GeoJSON polygons; validation (inside England and Wales,
  RFC 7946 winding, heights dropped), the one distance function, intersection, containment,
  bounding boxes, centres, and the largest box an area may have.
- ``areas.limits``: the size limits, read from settings in one place.
- ``areas.checks``: refuses at start-up limits the stored bounding boxes cannot hold.
- ``areas.models``: the columns an area is stored in, and how they are filled.
- ``areas.serializers``: the API's area input (a circle or a polygon) and its schema.

It imports ``core`` and no domain app; schemes and notifications import it.
"""
