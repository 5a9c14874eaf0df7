"""Thin HTTP views over the Community Speedwatch services and selectors, by sub-domain:
``sites``, ``sessions`` (and their offences), ``offences`` (search, export, disputes),
``letters``, ``statistics`` and ``audit``."""
