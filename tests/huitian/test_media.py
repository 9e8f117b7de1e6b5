"""Uploaded files are served only to those who may see the record they belong to."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from registry.models import RegistrationDocument
from tests.registry.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 charter of the service centre"


@pytest.fixture
def document(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = RegistrationFactory(applicant=cast.resident)  # home: community A1
    doc = RegistrationDocument(application=application, title="章程", uploaded_by=cast.resident)
    doc.file.save("章程.pdf", ContentFile(PDF), save=True)
    return doc


def _get(client, doc_or_url):  # a record with .file, or a URL
    url = doc_or_url if isinstance(doc_or_url, str) else doc_or_url.file.url
    return client.get(url)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_applicant_and_in_area_staff_get_the_file(document, cast, client_as):
    assert document.file.url.startswith("/media/registry/registration/")
    for user in (cast.resident, cast.street_a, cast.community_a1, cast.district):
        response = _get(client_as(user), document)
        assert response.status_code == 200, user.username
        assert _body(response) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "private" in response["Cache-Control"]
        assert "sandbox" in response["Content-Security-Policy"]


def test_out_of_area_staff_other_residents_and_anonymous_get_404(document, cast, client_as):
    for user in (cast.street_b, cast.community_b1, cast.resident_other, cast.nobody):
        assert _get(client_as(user), document).status_code == 404, user.username
    assert _get(Client(), document).status_code == 404


def test_a_file_no_record_owns_is_404_even_if_it_exists(document, cast, client_as, tmp_path):
    (tmp_path / "stray.pdf").write_bytes(PDF)
    assert client_as(cast.district).get("/media/stray.pdf").status_code == 404
    assert client_as(cast.district).get("/media/registry/none.pdf").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/../huitian/settings.py",
        "/media/registry/../../huitian/settings.py",
        "/media/registry/%2e%2e/%2e%2e/huitian/settings.py",
        "/media//etc/passwd",
        "/media/registry/./x.pdf",
        "/media/registry\\..\\x.pdf",
    ],
)
def test_path_traversal_is_refused(document, cast, client_as, path):
    response = client_as(cast.district).get(path)
    assert response.status_code == 404


def test_a_record_whose_name_was_written_with_dots_is_still_refused(document, cast, client_as):
    RegistrationDocument.objects.filter(pk=document.pk).update(file="../outside.pdf")
    assert client_as(cast.resident).get("/media/../outside.pdf").status_code == 404


def test_production_hands_the_sending_to_the_web_server(document, cast, client_as, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    response = _get(client_as(cast.resident), document)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == (
        "/protected-media/" + document.file.name.replace("章程", "%E7%AB%A0%E7%A8%8B")
    )
    assert response.content == b""
    assert _get(client_as(cast.street_b), document).status_code == 404


def test_media_is_never_served_by_django_static_serve(document, cast, client_as, settings):
    from django.urls import resolve

    settings.DEBUG = True
    assert resolve(document.file.url).func.__name__ == "media_file"
    assert _get(Client(), document).status_code == 404


def test_any_model_with_a_file_field_is_covered(cast, client_as, settings, tmp_path):
    """A need's photo follows the need's scope: its resident and in-area staff only."""
    from procurement.models import NeedPhoto
    from tests.procurement.factories import NeedFactory

    settings.MEDIA_ROOT = tmp_path
    need = NeedFactory(submitter=cast.resident)
    photo = NeedPhoto(need=need)
    photo.image.save("楼道.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    assert _get(client_as(cast.resident), photo.image.url).status_code == 200
    assert _get(client_as(cast.community_a1), photo.image.url).status_code == 200
    assert _get(client_as(cast.resident_other), photo.image.url).status_code == 404
    assert _get(client_as(cast.street_b), photo.image.url).status_code == 404
