"""Every write Community Speedwatch knows, by sub-domain: ``sites``, ``sessions`` (and their
offences), ``escalation`` (and the letters queue, disputes), ``retention`` and ``audit``."""
