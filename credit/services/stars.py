"""Star ratings of community organizations (C3): publish a model version, recompute."""

import json

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import StarModel, StarRating
from credit.models.stars import COMPONENTS
from credit.selectors import among, breakdown_scorer, current_star_model, star_components
from huitian.access import require
from registry.models import Organization

BATCH = 5000  # organizations per transaction (each batch locks its rows)
# Version 1, as migration 0002 installs it (and as a flushed test database gets it back).
FIRST_MODEL = {
    "weight_governance": 25,
    "weight_activity": 20,
    "weight_service": 20,
    "weight_finance": 15,
    "weight_credit": 20,
    "min_two": 40,
    "min_three": 55,
    "min_four": 70,
    "min_five": 85,
    "note": "初始版本",
}
THRESHOLDS = ("min_two", "min_three", "min_four", "min_five")


def why_not_publish(*, weights: dict, thresholds: list) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    total = sum(int(weights.get(c) or 0) for c in COMPONENTS)
    if total != 100:
        problems["weight_governance"] = [
            _("The weights add up to %(total)d %%; they must add up to 100 %%.") % {"total": total}
        ]
    values = [int(t or 0) for t in thresholds]
    rising = all(a < b for a, b in zip([0, *values], [*values, 101], strict=True))
    if len(values) != 4 or not rising:
        problems["min_two"] = [
            _("The minimum scores for 2, 3, 4 and 5 stars must rise strictly, from 1 to 100.")
        ]
    return problems


@transaction.atomic
def publish_star_model(*, by, weights: dict, thresholds: list, note: str = "") -> StarModel:
    """A new version of the scoring model; earlier versions stay as they were."""
    require(by, "credit.publish_star_model")
    problems = why_not_publish(weights=weights, thresholds=thresholds)
    if problems:
        raise ValidationError(problems)
    list(StarModel.objects.select_for_update().order_by("pk")[:1])
    version = (StarModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    model = StarModel(
        version=version,
        note=note[:200],
        created_by=by,
        **{f"weight_{c}": int(weights[c]) for c in COMPONENTS},
        **{name: int(v) for name, v in zip(THRESHOLDS, thresholds, strict=True)},
    )
    model.save()
    return model


def rated_organizations():
    """Community social organizations are rated with stars (registered ones get grades)."""
    return Organization.objects.filter(
        legal_form=Organization.LegalForm.COMMUNITY_GROUP,
        status__in=[Organization.Status.ACTIVE, Organization.Status.SUSPENDED],
    )


def _last_ratings(batch: list[int], model: StarModel) -> dict[int, tuple]:
    """{org id: (model id, score, breakdown)} of each organization's latest rating: what
    a new rating is compared with. The breakdown only where the rating is of `model`
    (another model's rating differs anyway): a new model version used to read and decode
    10,000 breakdowns to compare none of them. On PostgreSQL one index probe per
    organization (`LATERAL … LIMIT 1`) however many ratings each has had."""
    if connection.vendor != "postgresql":
        rows = StarRating.objects.filter(organization_id__in=batch).order_by(
            "organization_id", "-computed_at", "-pk"
        )
        out: dict[int, tuple] = {}
        for org_id, *last in rows.values_list("organization_id", "model_id", "score", "breakdown"):
            out.setdefault(org_id, tuple(last))
        return out
    table = connection.ops.quote_name(StarRating._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o, r.model_id, r.score, CASE WHEN r.model_id = %s THEN r.breakdown END"
            f" FROM unnest(%s::bigint[]) AS o CROSS JOIN LATERAL (SELECT model_id, score,"
            f" breakdown FROM {table} WHERE organization_id = o"
            " ORDER BY computed_at DESC, id DESC LIMIT 1) AS r",
            [model.pk, batch],
        )
        # jsonb arrives as text (Django leaves decoding to the field): decoded here.
        return {
            org_id: (model_id, score, json.loads(rows) if isinstance(rows, str) else rows)
            for org_id, model_id, score, rows in cursor.fetchall()
        }


def _write_ratings(model: StarModel, new: list[tuple], today) -> None:
    """Append the new ratings: (org id, score, stars, breakdown) each. On PostgreSQL one
    INSERT … SELECT FROM unnest(arrays): a first run writes 10,000 ratings, and building
    10,000 model instances for `bulk_create` cost more than the INSERT itself."""
    if not new:
        return
    if connection.vendor != "postgresql":
        StarRating.objects.bulk_create(
            StarRating(
                organization_id=pk,
                model=model,
                score=total,
                stars=stars,
                breakdown=rows,
                computed_on=today,
            )
            for pk, total, stars, rows in new
        )
        return
    pks, totals, stars, rows = zip(*new, strict=True)
    table = connection.ops.quote_name(StarRating._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organization_id, model_id, score, stars, breakdown,"
            " computed_on, computed_at) SELECT o, %s, s, n, b, %s, %s FROM unnest("
            "%s::bigint[], %s::numeric[], %s::smallint[], %s::jsonb[]) AS t(o, s, n, b)",
            [
                model.pk,
                today,
                timezone.now(),
                list(pks),
                list(totals),
                list(stars),
                [json.dumps(r) for r in rows],
            ],
        )


def recompute_star_ratings(*, organization_ids=None, today=None) -> int:
    """Rate every community organization (or those given); write a rating only when it
    differs from the last one, so running twice (or again after an interruption)
    writes nothing new. Returns the number of ratings written.

    Set-based: per batch, one aggregate per source (`star_components`) and one read of
    the latest ratings, then arithmetic and one `bulk_create` of what changed."""
    model = (
        current_star_model() or StarModel.objects.get_or_create(version=1, defaults=FIRST_MODEL)[0]
    )
    score = breakdown_scorer(model)
    today = today or timezone.localdate()
    qs = rated_organizations().order_by("pk")
    wanted = None if organization_ids is None else set(organization_ids)
    if wanted is not None and len(wanted) <= BATCH:
        qs = qs.filter(pk__in=wanted)
    ids = list(qs.values_list("pk", flat=True))
    if wanted is not None and len(wanted) > BATCH:
        # Many ids: keep the wanted ones in Python. PostgreSQL ran `id IN (unnest(…))` with
        # the organizations' other filters as a subplan per row (14 s for 10,000 ids).
        ids = [pk for pk in ids if pk in wanted]
    written = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with transaction.atomic():
            # Two recomputes of the same organizations take turns (no duplicate ratings).
            list(
                Organization.objects.select_for_update()
                .filter(among("pk", batch))
                .values_list("pk", flat=True)
            )
            components = star_components(batch, today=today)
            last = _last_ratings(batch, model)
            new = []
            for pk in batch:
                total, rows = score(components[pk])
                if last.get(pk) != (model.pk, total, rows):
                    new.append((pk, total, model.stars_for(total), rows))
            _write_ratings(model, new, today)
            written += len(new)
    return written
