"""C3: an organization appeals its grade evaluation result (等级评估申诉); the registration
body decides with reasons. Upheld, the grade stops being in force, its credit event is
corrected, the evaluator redoes the evaluation and the decision is public."""

import pytest
from django.test import Client

from credit import selectors, services
from credit.models import Appeal, CreditEvent, Evaluation
from huitian.models import Notification, Role
from huitian.workflow import transitions_of
from tests.conftest import api_as, make_user
from tests.credit.factories import OrganizationFactory, graded

pytestmark = pytest.mark.django_db
URL = "/api/v1/credit/appeals/"
LOWER = {"basic": "50", "governance": "330", "performance": "360", "social": "80"}  # 820: 3A


def appeal_grade(member, evaluation, grounds="社会评价得分漏计了第三方满意度调查"):
    return api_as(member).post(URL, {"grade": evaluation.pk, "grounds": grounds}, format="json")


def test_a_member_appeals_its_grade_and_an_upheld_appeal_sends_it_back(cast):
    evaluation = graded(cast, LOWER)
    org = evaluation.organization
    assert evaluation.grade == 3
    first_until = evaluation.valid_until
    member = make_user("grade_member", Role.ORG_MEMBER, organization=org)

    r = appeal_grade(member, evaluation)
    assert r.status_code == 201, r.content
    assert r.json()["grade"] == evaluation.pk and r.json()["rating"] is None
    appeal = Appeal.objects.get(pk=r.json()["id"])
    again = appeal_grade(member, evaluation, "再次申诉")
    assert again.status_code == 409 and again.json()["code"] == "already_appealed"

    # Only the registration body decides: street staff may not (403), other areas and the
    # evaluator do not even see it (404), read-only roles write nothing (403).
    for who, status in (
        ("street_a", 403),
        ("street_b", 404),
        ("evaluator", 403),
        ("auditor", 403),
    ):
        r = api_as(getattr(cast, who)).post(
            f"{URL}{appeal.pk}/decide/", {"uphold": True, "reason": "核实有误"}, format="json"
        )
        assert r.status_code == status, (who, r.content)
    assert Appeal.objects.get(pk=appeal.pk).state == "submitted"
    assert [a["id"] for a in api_as(cast.street_b).get(URL).json()["results"]] == []

    before = Client().get(f"/credit/organizations/{org.pk}/").content.decode()
    assert "3A" in before and "重新评估" not in before
    r = api_as(cast.district).post(
        f"{URL}{appeal.pk}/decide/",
        {"uphold": True, "reason": "第三方满意度调查结果未计入，重新评估"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["state"] == "upheld", r.content
    evaluation.refresh_from_db()
    assert evaluation.state == "scored" and evaluation.grade is None
    assert selectors.current_grades([org.pk]) == {}
    assert selectors.purchase_priority([org.pk]) == {org.pk: 0}
    grade_event = CreditEvent.objects.get(organization=org, kind="grade")
    correction = CreditEvent.objects.get(reverses=grade_event)
    assert correction.effect == -grade_event.effect and "重新评估" in correction.reason
    assert [t.step for t in transitions_of(evaluation)] == ["assign", "score", "award", "reopen"]
    # The evaluator is told, with the decision and a link to the evaluation.
    notice = Notification.objects.get(recipient=cast.evaluator, kind="credit.grade_reopened")
    assert "第三方满意度调查结果未计入" in notice.body
    assert notice.url.endswith(f"/credit/evaluation/{evaluation.pk}/change/")
    assert sorted(t.step for t in transitions_of(appeal)) == ["file", "uphold"]

    # The decision is public: on the credit page and in the API.
    page = Client().get(f"/credit/organizations/{org.pk}/").content.decode()
    assert "第三方满意度调查结果未计入，重新评估" in page
    body = Client().get(f"/api/v1/organizations/{org.pk}/credit/").json()
    assert body["grade"] is None
    assert body["grade_appeals"][0]["decision"] == "第三方满意度调查结果未计入，重新评估"
    assert body["grade_appeals"][0]["reevaluating"] is True

    # The evaluator corrects the scores; the district awards again. The correction keeps
    # the five years of the first award and records one new grade event.
    r = api_as(cast.evaluator).post(
        f"/api/v1/credit/evaluations/{evaluation.pk}/scores/",
        {"basic": "55", "governance": "380", "performance": "420", "social": "95"},
        format="json",
    )
    assert r.status_code == 200, r.content
    r = api_as(cast.district).post(f"/api/v1/credit/evaluations/{evaluation.pk}/award/")
    assert r.status_code == 200 and r.json()["grade"] == 5, r.content
    evaluation.refresh_from_db()
    assert evaluation.valid_until == first_until
    events = CreditEvent.objects.filter(organization=org, kind="grade", reversed_by__isnull=True)
    assert [e.effect for e in events] == [10]
    assert selectors.current_grades([org.pk])[org.pk].grade == 5
    body = Client().get(f"/api/v1/organizations/{org.pk}/credit/").json()
    assert body["grade"]["label"] == "5A" and body["grade_appeals"][0]["reevaluating"] is False


def test_a_dismissed_grade_appeal_leaves_the_grade_in_force(cast):
    evaluation = graded(cast, LOWER)
    member = make_user("grade_member", Role.ORG_MEMBER, organization=evaluation.organization)
    appeal_id = appeal_grade(member, evaluation).json()["id"]
    r = api_as(cast.district).post(
        f"{URL}{appeal_id}/decide/", {"uphold": False, "reason": "评分依据无误"}, format="json"
    )
    assert r.status_code == 200 and r.json()["decision"] == "评分依据无误"
    evaluation.refresh_from_db()
    assert evaluation.state == "awarded" and evaluation.grade == 3
    assert not CreditEvent.objects.filter(kind="reversal").exists()
    assert selectors.upheld_grade_appeals(evaluation.organization_id) == []
    # A decided appeal is not decided twice.
    r = api_as(cast.district).post(
        f"{URL}{appeal_id}/decide/", {"uphold": True, "reason": "改判"}, format="json"
    )
    assert r.status_code == 409


def test_another_organizations_grade_is_404_and_only_an_awarded_grade_is_appealed(cast):
    ours = graded(cast, LOWER)
    theirs = graded(cast, LOWER)
    member = make_user("grade_member", Role.ORG_MEMBER, organization=ours.organization)
    assert appeal_grade(member, theirs).status_code == 404
    assert appeal_grade(member, Evaluation(pk=10**9)).status_code == 404
    both = api_as(member).post(
        URL, {"grade": ours.pk, "rating": 1, "grounds": "两项"}, format="json"
    )
    assert both.status_code == 400
    no_grounds = api_as(member).post(URL, {"grade": ours.pk, "grounds": " "}, format="json")
    assert no_grounds.status_code == 400
    # Still with the evaluator: nothing awarded yet to object to.
    rnd = services.open_evaluation_round(by=cast.district, year=2027, name="第二批")
    pending = services.assign_evaluation(
        by=cast.district,
        round_id=rnd.pk,
        organization_id=ours.organization_id,
        evaluator_id=cast.evaluator.pk,
    )
    r = appeal_grade(member, pending)
    assert r.status_code == 409 and r.json()["code"] == "grade_not_awarded"
    assert Appeal.objects.count() == 0


def decide_in_admin(client, url, **decision):
    """POST the decision as the change page's form does (with its inlines' management data)."""
    data = dict(decision)
    page = client.get(url)
    context = getattr(page, "context", None) or {}
    for inline in context.get("inline_admin_formsets") or []:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return client.post(url, data)


def test_the_admin_decides_a_grade_appeal_in_area_only(cast):
    evaluation = graded(cast, LOWER)
    member = make_user("grade_member", Role.ORG_MEMBER, organization=evaluation.organization)
    appeal = services.submit_appeal(by=member, grade_id=evaluation.pk, grounds="漏计")
    url = f"/admin/credit/appeal/{appeal.pk}/change/"
    decision = {"verdict": "no", "reason": "评分依据无误"}

    outside = Client()
    outside.force_login(cast.street_b)
    assert outside.get(url).status_code in (302, 404)
    decide_in_admin(outside, url, **decision)
    street = Client()
    street.force_login(cast.street_a)
    r = street.get(url)
    assert r.status_code == 200 and 'name="verdict"' not in r.content.decode()
    decide_in_admin(street, url, **decision)
    assert Appeal.objects.get(pk=appeal.pk).state == "submitted"

    district = Client()
    district.force_login(cast.district)
    listing = district.get("/admin/credit/appeal/").content.decode()
    assert str(evaluation.organization) in listing
    r = decide_in_admin(district, url, verdict="yes", reason="")
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).state == "submitted"
    r = decide_in_admin(district, url, verdict="yes", reason="材料核实有误，重新评估")
    assert r.status_code == 302, r.content.decode()[:2000]
    appeal.refresh_from_db()
    assert appeal.state == "upheld" and appeal.decision == "材料核实有误，重新评估"
    assert Evaluation.objects.get(pk=evaluation.pk).state == "scored"
    # Decided: the page is for reading now.
    assert 'name="verdict"' not in district.get(url).content.decode()


def test_a_member_appeals_the_grade_from_the_credit_page(cast):
    evaluation = graded(cast, LOWER)
    org = evaluation.organization
    member = make_user("grade_member", Role.ORG_MEMBER, organization=org)
    client = Client()
    client.force_login(member)
    page = client.get(f"/credit/organizations/{org.pk}/").content.decode()
    link = f"/credit/organizations/{org.pk}/appeal/?grade={evaluation.pk}"
    assert link in page
    assert client.get(link).status_code == 200
    r = client.post(
        f"/credit/organizations/{org.pk}/appeal/", {"grade": evaluation.pk, "grounds": "漏计"}
    )
    assert r.status_code == 302
    assert Appeal.objects.get(organization=org).grade_id == evaluation.pk
    # A member of another organization: 404 on this organization's appeal page, and its
    # own appeal page refuses this grade.
    other = OrganizationFactory()
    stranger = make_user("stranger", Role.ORG_MEMBER, organization=other)
    client.force_login(stranger)
    assert client.get(link).status_code == 404
    r = client.post(
        f"/credit/organizations/{other.pk}/appeal/", {"grade": evaluation.pk, "grounds": "x"}
    )
    assert r.status_code == 404
    assert Appeal.objects.count() == 1
