"""Who may take each credit step (django-rules); services call `require()`.

The registration body decides on credit: district administrators (MCA Order No. 60).
"""

import rules

from huitian.access import staff_in
from huitian.models import Role
from huitian.rules import is_district_admin


@rules.predicate
def registration_body(user, organization):
    return organization is not None and staff_in(
        user, organization.home_area, (Role.DISTRICT_ADMIN,)
    )


rules.add_perm("credit.reverse_event", rules.is_superuser | registration_body)
rules.add_perm("credit.decide_listing", rules.is_superuser | registration_body)
rules.add_perm("credit.publish_star_model", rules.is_superuser | is_district_admin)
