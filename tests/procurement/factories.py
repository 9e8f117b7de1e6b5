"""Procurement's records; organizations come from the registry's one factory."""

import datetime

import factory
from django.utils import timezone

from huitian.models import Area, Category
from procurement.models import Need, Offer
from tests.registry.factories import OrganizationFactory


def community(code="110114011001"):
    return Area.objects.get(code=code)


def category(code="elderly_meals"):
    return Category.objects.get(code=code)


def web_need(title, text=None, *, code="110114011001", cat="property_management", **kw):
    """A need a resident submits on the web form, through the service (with a phone number)."""
    from procurement.services.needs import submit_need

    kw.setdefault("channel", Need.Channel.WEB_FORM)
    if not kw.get("anonymous"):
        kw.setdefault("contact_phone", "13812345678")
    return submit_need(
        community=community(code),
        category=category(cat),
        title=title,
        text=text or title,
        **kw,
    )


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    channel = Need.Channel.WEB_FORM
    community = factory.LazyFunction(community)
    category = factory.LazyFunction(category)
    title = factory.Sequence(lambda n: f"老年餐桌午餐供应不足{n}")
    text = "小区老年餐桌中午饭菜经常不够，很多老人吃不上午饭"
    contact_name = "王秀英"
    contact_phone = "13812345678"
    response_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=1))
    resolution_due = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=20)
    )


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    category = factory.LazyFunction(category)
    title = "老年餐桌送餐服务"
    description = "为社区高龄老人提供午餐配送"
    capacity_per_month = 20
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))

    @factory.post_generation
    def areas(obj, create, extracted, **kwargs):
        if create:
            obj.areas.set(extracted or [community()])


__all__ = [
    "NeedFactory",
    "OfferFactory",
    "OrganizationFactory",
    "category",
    "community",
    "web_need",
]
