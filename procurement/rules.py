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


# Purchase projects and contracts (P8); supervision, evaluation and spot checks.
PURCHASERS = (Role.DISTRICT_ADMIN, Role.STREET_STAFF)


@rules.predicate
def purchaser(user, project_or_area):
    """Staff of the purchaser: district or street staff over the project's area."""
    area = getattr(project_or_area, "area", project_or_area)
    return area is not None and staff_in(user, area, PURCHASERS)


@rules.predicate
def assigned_evaluator(user, project):
    return project is not None and project.evaluator_id == user.pk


@rules.predicate
def applicant_member(user, organization):
    return organization is not None and organization.pk in organization_ids(user)


@rules.predicate
def street_federation(user, organization):
    """Federation staff of a filed group's street: they apply (and co-sign) for it."""
    return (
        organization is not None
        and organization.is_filed
        and staff_in(user, organization.home_area, (Role.FEDERATION_STAFF,))
    )


@rules.predicate
def contractor_member(user, contract):
    return contract is not None and contract.organization_id in organization_ids(user)


@rules.predicate
def contract_cosigner(user, contract):
    """For a joint application's contract: the co-signing federation's staff."""
    return (
        contract is not None
        and contract.application.is_joint
        and staff_in(user, contract.application.federation_area, (Role.FEDERATION_STAFF,))
    )


@rules.predicate
def contract_purchaser(user, contract):
    return contract is not None and staff_in(user, contract.project.area, PURCHASERS)


rules.add_perm("procurement.manage_project", rules.is_superuser | purchaser)
rules.add_perm("procurement.pre_review_project", assigned_evaluator)
rules.add_perm("procurement.apply_for_project", applicant_member)
rules.add_perm("procurement.apply_jointly", street_federation)
rules.add_perm("procurement.manage_contract", rules.is_superuser | contract_purchaser)
rules.add_perm("procurement.act_for_contractor", contractor_member | contract_cosigner)


@rules.predicate
def spot_checker(user, area):
    return area is not None and staff_in(user, area, PURCHASERS)


# Third-party evaluators are read-only roles: the purchaser's staff record what they
# found and scored, naming them (`visitor`, `Evaluation.evaluator`); they then read it.
rules.add_perm("procurement.supervise_contract", rules.is_superuser | purchaser)
rules.add_perm("procurement.evaluate_contract", rules.is_superuser | purchaser)
rules.add_perm("procurement.settle_contract", rules.is_superuser | purchaser)
rules.add_perm("procurement.spot_check", rules.is_superuser | spot_checker)
