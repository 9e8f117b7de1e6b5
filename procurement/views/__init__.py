"""Portal pages: the resident web form, tracking by code, my needs, the public lists.

Views parse a form, call one service or selector, render. Refusals come from the
services and appear beside the fields through `huitian.forms.apply_service_errors`.

Split by concept: `needs`, `offers`, `whistle`, `topics`; this package re-exports
what callers import."""

from procurement.views.needs import (  # noqa: F401
    assigned_needs,
    my_needs,
    need_category_suggest,
    need_new,
    need_queue,
    need_track,
    need_track_lookup,
    needs_list_public,
    needs_rates,
)
from procurement.views.offers import (  # noqa: F401
    my_offers,
    offer_edit,
    offer_new,
    offers_public,
)
from procurement.views.topics import (  # noqa: F401
    topic_candidates,
)
from procurement.views.whistle import (  # noqa: F401
    whistle_calls,
)
