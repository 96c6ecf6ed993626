import factory

from mehman.accounts import services
from mehman.accounts.models import Role, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CLERK
    first_name = "زهرا"
    last_name = "احمدی"
    language = "fa"

    @classmethod
    def _create(cls, model_class, *args, settlements=(), **kwargs):
        return services.create_user(password=PASSWORD, settlements=settlements, **kwargs)
