"""Spot-check audits (抽查审计, P8 item 6): a reproducible random sample of contracts.

The population is every contract of the area in service or completed, in id order;
`draw_sample(population, seed, size)` draws with Python's Mersenne Twister seeded by
the recorded seed, so the same seed over the same population gives the same sample
(anyone can check a draw). Each drawn contract then gets findings (or none) and, for
findings, the correction.
"""

import random
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Area
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, move
from procurement.error_codes import ErrorCode
from procurement.models import Contract, SpotCheck, SpotCheckItem
from procurement.models import supervision as m

MAX_SAMPLE = 500
SEED_MAX = 2**63 - 1


def population(area: Area) -> list[int]:
    """Ids of the contracts a spot check of `area` draws from, in a fixed order."""
    return list(
        Contract.objects.filter(
            project__area__path__startswith=area.path,
            state__in=[Contract.State.IN_SERVICE, Contract.State.COMPLETED],
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def draw_sample(ids: list[int], seed: int, size: int) -> list[int]:
    """The sample a seed draws from `ids` (sorted first): same inputs, same sample."""
    ordered = sorted(ids)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def draw_spot_check(
    *, area: Area, label: str, sample_size: int, by, seed: int | None = None
) -> SpotCheck:
    """Draw a period's sample of an area's contracts and record the seed."""
    require(by, "procurement.spot_check", area)
    check_lengths(label=(label, m.LABEL_MAX))
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": [_("Name the period (e.g. 2026 Q2).")]})
    if not 1 <= int(sample_size) <= MAX_SAMPLE:
        raise ValidationError(
            {"sample_size": [_("Draw from 1 to %(n)s contracts.") % {"n": MAX_SAMPLE}]}
        )
    if seed is None:
        seed = secrets.randbelow(SEED_MAX)
    elif not 0 <= int(seed) <= SEED_MAX:
        raise ValidationError({"seed": [_("The seed is a whole number from 0 to 2⁶³−1.")]})
    seed = int(seed)
    ids = population(area)
    if not ids:
        raise WorkflowError(
            ErrorCode.NOTHING_TO_DRAW,
            _("%(area)s has no contract in service or completed to draw from.")
            % {"area": area.name},
        )
    drawn = draw_sample(ids, seed, int(sample_size))
    try:
        with transaction.atomic():
            check = SpotCheck(
                area=area,
                label=label,
                seed=seed,
                sample_size=int(sample_size),
                population_count=len(ids),
                drawn_by=by,
            )
            check._history_user = by
            check.save()
            for contract_id in drawn:
                item = SpotCheckItem(spot_check=check, contract_id=contract_id)
                item._history_user = by
                item.save()
    except IntegrityError:
        raise WorkflowError(
            ErrorCode.SPOT_CHECK_EXISTS,
            _("%(area)s already has a spot check for %(label)s.")
            % {"area": area.name, "label": label},
        ) from None
    return check


def _item(item_id: int, by) -> SpotCheckItem:
    item = (
        SpotCheckItem.objects.select_for_update(of=("self",))
        .select_related("spot_check__area", "contract")
        .get(pk=item_id)
    )
    require(by, "procurement.spot_check", item.spot_check.area)
    return item


def record_findings(*, item_id: int, findings: str, by) -> SpotCheckItem:
    """What the audit found on one drawn contract; empty findings mean none."""
    check_lengths(findings=(findings, m.FINDINGS_MAX))
    findings = (findings or "").strip()
    with transaction.atomic():
        item = _item(item_id, by)
        item.findings = findings
        step = "find" if findings else "clear"
        move(item, SpotCheckItem.FLOW[step], by=by, note=findings[:500], also=["findings"])
    return item


def record_correction(*, item_id: int, correction: str, by) -> SpotCheckItem:
    check_lengths(correction=(correction, m.FINDINGS_MAX))
    correction = (correction or "").strip()
    if not correction:
        raise ValidationError({"correction": [_("Say how the findings were corrected.")]})
    with transaction.atomic():
        item = _item(item_id, by)
        item.correction = correction
        move(
            item,
            SpotCheckItem.FLOW["correct"],
            by=by,
            note=correction[:500],
            also=["correction"],
        )
    return item
