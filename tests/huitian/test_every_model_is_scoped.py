"""Non-negotiable: every model says how it is scoped (huitian.scope.Scope)."""

from django.apps import apps

from huitian.scope import Scope

PROJECT_APPS = {"huitian", "registry", "procurement", "volunteers", "credit"}


def test_every_project_model_declares_its_scope():
    unscoped = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        if model.__name__.startswith("Historical") or model._meta.auto_created:
            continue  # django-simple-history rows and M2M through tables follow their owner
        if not isinstance(getattr(model, "scope", None), Scope):
            unscoped.append(f"{model._meta.label}")
    assert unscoped == [], f"models without a scope: {unscoped}"


def test_scoped_lookups_resolve_to_real_relations():
    from django.db.models.constants import LOOKUP_SEP

    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        scope = getattr(model, "scope", None)
        if not isinstance(scope, Scope):
            continue
        for lookup in filter(None, [scope.area, scope.organization, scope.owner]):
            if lookup == "pk":
                continue
            current = model
            for part in lookup.split(LOOKUP_SEP):
                field = current._meta.get_field(part)
                current = field.related_model or current
            assert field.is_relation or lookup == "pk", f"{model._meta.label}.scope → {lookup}"
