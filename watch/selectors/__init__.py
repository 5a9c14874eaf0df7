"""Reads with rules in them, by sub-domain: the ``schemes`` a user reaches, ``sites``,
``sessions`` and offences, the ``letters`` queue, ``statistics`` and the ``audit`` log."""
