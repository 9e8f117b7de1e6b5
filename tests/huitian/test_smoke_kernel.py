import pytest


@pytest.mark.django_db
def test_areas_load_from_reference_csv(areas):
    from huitian.models import Area

    assert Area.objects.filter(level="street").count() == 7
    assert Area.objects.filter(level="community").count() == 146
