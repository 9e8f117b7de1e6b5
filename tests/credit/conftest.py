import pytest


@pytest.fixture(autouse=True)
def _fresh_recent_pages(monkeypatch):
    """Each test starts with no credit page kept in this process, as the root conftest
    starts it with an empty shared cache."""
    from credit import views

    monkeypatch.setattr(views, "recent_pages", views.RecentPages())
