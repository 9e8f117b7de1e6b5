"""Scoped reads of procurement, by concept. The registry is read only through
`registry.selectors`."""

from procurement.selectors.lists import (  # noqa: F401
    needs_lists_for,
    published_entries,
    published_list_entries,
    published_lists,
    topic_for_members,
    topics_for,
)
from procurement.selectors.matching import (  # noqa: F401
    WEIGHTS,
    Candidate,
    credit_score,
    offer_candidates,
)
from procurement.selectors.needs import (  # noqa: F401
    GROUPINGS,
    NEAR_DUE_WORKING_DAYS,
    assigned_needs,
    due_status,
    need_by_tracking_code,
    need_rates,
    needs_for,
    needs_for_queue,
    own_needs,
)
from procurement.selectors.offers import (  # noqa: F401
    active_offers,
    category_groups,
    listed_organization,
    member_organizations,
    offers_of,
)
from procurement.selectors.whistle import (  # noqa: F401
    responded_call_ids,
    whistle_calls_for,
    whistle_calls_with_responses,
    whistle_response_times,
    whistle_responses_for,
)
