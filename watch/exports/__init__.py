"""The files personal data and figures leave in: the ``offences`` CSV, the ``letters`` (a CSV
for a mail merge, or a PDF to post), the ``statistics`` CSV and the ``audit`` CSV. Each export
is recorded by ``watch.services.audit.export_record``."""
