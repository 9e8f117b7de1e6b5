"""The admin in Chinese (issue 13, item 12): history pages with labels instead of codes,
the horizontal picker's words in the project's JavaScript catalogue, import refusals
without a field key, the success message naming the application as saved."""

import pytest

from registry.models import Organization, RegistrationApplication
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_history_page_shows_labels_not_codes(cast, client_as):
    from registry import services

    org = OrganizationFactory(status=Organization.Status.ACTIVE)
    services.change_organization_status(
        organization_id=org.pk, step="suspend", by=cast.district, note="年检不合格"
    )
    html = client_as(cast.district).get(f"/admin/registry/organization/{org.pk}/history/")
    table = html.content.decode().split('id="change-history"', 1)[1]
    assert "变更内容" in table and "Changes" not in table
    assert "暂停活动" in table and "suspended" not in table  # the state in words
    assert ">None<" not in table and "→&nbsp;&nbsp;None" not in table
    assert "暂停" in table  # the change reason is the step's label, not "suspend"


def test_picker_words_are_in_the_javascript_catalogue(cast, client_as):
    js = client_as(cast.district).get("/admin/jsi18n/").content.decode()
    assert "\\u5168\\u9009" in js or "全选" in js  # 全选 (Choose all)
    assert "by selecting them" in js  # the msgid is there, with its translation
    assert "\\u9009\\u4e2d" in js or "选中" in js


def test_paper_application_success_message_says_submitted(cast, client_as):
    c = client_as(cast.street_a)
    data = {
        "name": "纸质申请中心",
        "legal_form": "social_service",
        "registration_level": "district",
        "home_area": cast.area("110114011001").pk,
        "uscc": "",
        "legal_representative": "张明",
        "contact_name": "张明",
        "contact_phone": "13800138000",
        "purpose": "助老",
    }
    page = c.get("/admin/registry/registrationapplication/add/")
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    r = c.post("/admin/registry/registrationapplication/add/", data, follow=True)
    texts = " ".join(str(m) for m in r.context["messages"])
    assert "已提交" in texts and "草稿" not in texts
    assert RegistrationApplication.objects.get(name="纸质申请中心").state == "submitted"
