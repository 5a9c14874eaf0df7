"""Settings of the list benchmark's server (``bench/lists.py``): production's, with the bare
baseline views of ``bench.lists_urls`` mounted beside the API. Production holds nothing for
the benchmark."""

from backend.settings import *  # noqa: F403

ROOT_URLCONF = "bench.lists_urls"
