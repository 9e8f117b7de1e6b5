import factory
from stdnum.cn import uscc as uscc_mod

from huitian.models import Area
from registry.models import Filing, Organization, RegistrationApplication


def make_uscc(n: int) -> str:
    body = f"5211011{n:010d}"[:17]
    body = body[:8] + body[8:].replace("I", "1")
    return body + uscc_mod.calc_check_digit(body)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试社会组织{n}")
    uscc = factory.Sequence(lambda n: make_uscc(1000 + n))
    legal_form = Organization.LegalForm.SOCIAL_SERVICE
    registration_level = Organization.RegistrationLevel.DISTRICT
    home_area = factory.LazyFunction(lambda: Area.objects.get(code="110114011001"))
    contact_phone = "13800138000"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationApplication

    name = factory.Sequence(lambda n: f"申请中的服务中心{n}")
    legal_form = Organization.LegalForm.SOCIAL_SERVICE
    registration_level = Organization.RegistrationLevel.DISTRICT
    home_area = factory.LazyFunction(lambda: Area.objects.get(code="110114011001"))
    legal_representative = "张明"
    contact_name = "张明"
    contact_phone = "13800138000"
    purpose = "助老服务"
    state = RegistrationApplication.State.SUBMITTED


class FilingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Filing

    name = factory.Sequence(lambda n: f"社区合唱队{n}")
    community = factory.LazyFunction(lambda: Area.objects.get(code="110114011001"))
    leader_name = "孙丽"
    contact_phone = "13622223333"
    member_count = 10
    activities = "每周排练"
    state = Filing.State.SUBMITTED


class FiledGroupFactory(OrganizationFactory):
    """A community group filed with its street: no credit code, a filing number."""

    uscc = None
    legal_form = Organization.LegalForm.COMMUNITY_GROUP
    registration_level = Organization.RegistrationLevel.FILED
    filing_number = factory.Sequence(lambda n: f"HTBA-TEST-{n:04d}")
    contact_name = "孙丽"
