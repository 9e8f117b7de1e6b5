"""Who may take each needs / supply / matching / whistle step (django-rules).

Visibility (404 for a sibling area) is the scoping door's job; these predicates
answer "may this role act on this record" (403 when it may not).
"""

import rules

from huitian.access import organization_ids, staff_areas, staff_in
from huitian.models import Role

HANDLERS = (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF)
LIST_EDITORS = (Role.DISTRICT_ADMIN, Role.STREET_STAFF)
WHISTLE_RAISERS = (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF)


@rules.predicate
def need_handler(user, need):
    """Staff who handle a need: district, street or community staff over its community."""
    return need is not None and staff_in(user, need.community, HANDLERS)


@rules.predicate
def assigned_member(user, need):
    return need is not None and need.assigned_org_id in organization_ids(user)


@rules.predicate
def need_submitter(user, need):
    return need is not None and need.submitter_id is not None and need.submitter_id == user.pk


@rules.predicate
def topic_editor(user, topic):
    return topic is not None and staff_in(user, topic.area, HANDLERS)


@rules.predicate
def is_list_publisher(user, _obj=None):
    return bool(staff_areas(user, for_write=True, roles=(Role.DISTRICT_ADMIN,)))


@rules.predicate
def offer_member(user, offer_or_org):
    org_id = getattr(offer_or_org, "organization_id", None) or getattr(offer_or_org, "pk", None)
    return org_id is not None and org_id in organization_ids(user)


@rules.predicate
def whistle_raiser(user, community):
    return staff_in(user, community, WHISTLE_RAISERS)


@rules.predicate
def whistle_selector(user, call):
    return call is not None and staff_in(user, call.community, WHISTLE_RAISERS)


rules.add_perm("procurement.handle_need", rules.is_superuser | need_handler)
rules.add_perm("procurement.serve_need", rules.is_superuser | need_handler | assigned_member)
rules.add_perm("procurement.rate_need", need_submitter)
rules.add_perm("procurement.edit_topic", rules.is_superuser | topic_editor)
rules.add_perm("procurement.publish_list", rules.is_superuser | is_list_publisher)
rules.add_perm("procurement.manage_offer", rules.is_superuser | offer_member)
rules.add_perm("procurement.raise_whistle", rules.is_superuser | whistle_raiser)
rules.add_perm("procurement.select_responders", rules.is_superuser | whistle_selector)


# Funds and the foundation (P6, P7).
FINANCE = (Role.DISTRICT_ADMIN,)
BUDGET_HOLDERS = (Role.DISTRICT_ADMIN, Role.STREET_STAFF)


@rules.predicate
def district_finance(user, _obj=None):
    return bool(staff_areas(user, for_write=True, roles=FINANCE))


@rules.predicate
def budget_holder(user, budget):
    return budget is not None and staff_in(user, budget.area, BUDGET_HOLDERS)


@rules.predicate
def fund_manager(user, fund):
    return fund is not None and fund.managers.filter(pk=user.pk).exists()


@rules.predicate
def fund_requester(user, fund):
    return fund is not None and staff_in(user, fund.community, HANDLERS)


rules.add_perm("procurement.allocate_funds", rules.is_superuser | district_finance)
rules.add_perm("procurement.spend_budget", rules.is_superuser | budget_holder)
rules.add_perm("procurement.record_donation", rules.is_superuser | fund_manager | fund_requester)
rules.add_perm(
    "procurement.request_disbursement", rules.is_superuser | fund_manager | fund_requester
)
rules.add_perm("procurement.approve_disbursement", rules.is_superuser | fund_manager)


@rules.predicate
def fund_opener(user, community):
    return community is not None and staff_in(user, community, BUDGET_HOLDERS)


rules.add_perm("procurement.open_fund", rules.is_superuser | fund_opener)


# Supervision, evaluation and spot checks (P8, item 6).
PURCHASERS = (Role.DISTRICT_ADMIN, Role.STREET_STAFF)


@rules.predicate
def purchaser_staff(user, project):
    """Staff of the purchaser's area (district or street) over a purchase project."""
    return project is not None and staff_in(user, project.area, PURCHASERS)


@rules.predicate
def spot_checker(user, area):
    return area is not None and staff_in(user, area, PURCHASERS)


# Third-party evaluators are read-only roles: the purchaser's staff record what they
# found and scored, naming them (`visitor`, `Evaluation.evaluator`); they then read it.
rules.add_perm("procurement.supervise_contract", rules.is_superuser | purchaser_staff)
rules.add_perm("procurement.evaluate_contract", rules.is_superuser | purchaser_staff)
rules.add_perm("procurement.settle_contract", rules.is_superuser | purchaser_staff)
rules.add_perm("procurement.spot_check", rules.is_superuser | spot_checker)
