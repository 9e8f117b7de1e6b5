import pytest


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """Each test starts with empty per-process caches of areas, categories, deadlines."""
    from procurement import refdata

    refdata.clear()
    yield
    refdata.clear()
