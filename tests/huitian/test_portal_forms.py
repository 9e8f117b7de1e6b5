"""The one form-field partial (templates/huitian/_field.html) and styling mixin
(huitian.forms.PortalFormMixin), seen through the portal pages of both apps; and no
template of any app carries inline script, handlers or styles (the CSP blocks them)."""

import re
from pathlib import Path

import pytest
from django.test import Client

from huitian.models import Role
from tests.conftest import make_user
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def tag(html: str, field_id: str) -> str:
    """The opening tag of the widget with this id."""
    match = re.search(rf'<(input|select|textarea)\b[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, field_id
    return match.group(0)


def test_errors_stand_beside_their_field_and_the_widget_points_at_them(cast):
    html = Client().post("/needs/new/", {"title": "电梯"}).content.decode()
    widget = tag(html, "id_text")
    assert 'class="form-control is-invalid"' in widget
    assert 'aria-invalid="true"' in widget and 'aria-describedby="id_text_error"' in widget
    assert 'maxlength="2000"' in widget
    assert re.search(r'<div class="invalid-feedback d-block" id="id_text_error">[^<]+</div>', html)
    # A field without error is styled but not marked invalid; selects wear form-select.
    assert 'class="form-control"' in tag(html, "id_title")
    assert 'class="form-select is-invalid"' in tag(html, "id_community")
    assert 'class="form-check-input"' in tag(html, "id_anonymous")


def test_labels_mark_required_fields_only(cast):
    html = Client().get("/needs/new/").content.decode()
    title = re.search(r'<label class="form-label" for="id_title">.*?</label>', html).group(0)
    address = re.search(r'<label class="form-label" for="id_address">.*?</label>', html).group(0)
    assert "required-mark" in title and "required-mark" not in address
    assert "required" in tag(html, "id_title") and "required" not in tag(html, "id_address")


def test_help_text_is_tied_to_its_field(cast):
    html = Client().get("/needs/track/").content.decode()
    assert 'aria-describedby="id_code_helptext"' in tag(html, "id_code")
    assert re.search(r'<div class="form-text" id="id_code_helptext">', html)


def test_textareas_with_a_limit_show_a_character_counter(cast):
    html = Client().post("/needs/new/", {"text": "电梯坏了"}).content.decode()
    assert re.search(r'data-counter-for="id_text"[^>]*>4 / 2000</div>', html)
    assert 'data-counter-for="id_title"' not in html  # one-line inputs have none


def test_multiple_checkboxes_are_a_fieldset_with_a_legend(cast, client_as):
    html = client_as(cast.resident).get("/portal/registrations/new/").content.decode()
    fieldset = re.search(
        r"<fieldset[^>]*>\s*<legend[^>]*>(.*?)</legend>(.*?)</fieldset>", html, re.S
    )
    assert fieldset and "服务类别" in fieldset.group(1)
    boxes = re.findall(r'<input type="checkbox"[^>]*>', fieldset.group(2))
    assert boxes and all('class="form-check-input"' in b for b in boxes)
    assert 'class="form-select"' in tag(html, "id_home_area")


def test_a_refused_date_comes_back_in_the_date_picker_format(cast, client_as):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    html = client_as(member).post("/offers/new/", {"valid_until": "2020-01-01"}).content.decode()
    widget = tag(html, "id_valid_until")
    assert 'type="date"' in widget and 'value="2020-01-01"' in widget
    areas = tag(html, "id_areas")
    assert 'class="form-select is-invalid"' in areas and 'size="8"' in areas


def test_directory_filters_are_styled(cast):
    html = Client().get("/organizations/").content.decode()
    assert 'class="form-control"' in tag(html, "id_q")
    assert 'class="form-select"' in tag(html, "id_street")


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"<style|\sstyle\s*=", re.I),
]


def test_no_template_of_any_app_has_inline_script_handler_or_style():
    templates = [
        p
        for p in ROOT.rglob("*.html")
        if "templates" in p.parts and not {".venv", "node_modules", "var"} & set(p.parts)
    ]
    assert any("procurement" in p.parts for p in templates)
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in templates
        for pattern in INLINE
        if (m := pattern.search(p.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_area_choices_are_grouped_by_street_with_a_chinese_blank(cast, client_as):
    html = client_as(cast.resident).get("/portal/filings/new/").content.decode()
    select = re.search(r'<select[^>]*id="id_community".*?</select>', html, re.S).group(0)
    assert '<option value="" selected>请选择…</option>' in select and "---------" not in select
    street_a = cast.area("110114011")
    group = re.search(rf'<optgroup label="{street_a.name}">(.*?)</optgroup>', select, re.S)
    assert group and cast.area("110114011001").name in group.group(1)
    # Where streets may be chosen too, each street heads its own group.
    html = client_as(cast.resident).get("/portal/registrations/new/").content.decode()
    select = re.search(r'<select[^>]*id="id_home_area".*?</select>', html, re.S).group(0)
    group = re.search(rf'<optgroup label="{street_a.name}">(.*?)</optgroup>', select, re.S)
    assert f'value="{street_a.pk}"' in group.group(1)
    legal_form = re.search(r'<select[^>]*id="id_legal_form".*?</select>', html, re.S).group(0)
    assert "请选择…" in legal_form and "---------" not in legal_form
