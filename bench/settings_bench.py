"""Settings for the load run only: the real settings plus a minimal view for the floor."""

from huitian.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
