import factory

from mehman.core import services
from mehman.core.models import Settlement


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Settlement

    code = factory.Sequence(lambda n: f"S{chr(65 + n % 26)}{chr(65 + n // 26 % 26)}")
    name_fa = factory.Sequence(lambda n: f"مهمانشهر {n}")
    name_en = factory.Sequence(lambda n: f"Guest city {n}")
    province_fa = "خراسان رضوی"
    province_en = "Khorasan Razavi"
    capacity = 1000

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_settlement(**kwargs)
