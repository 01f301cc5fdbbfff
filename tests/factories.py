import factory
from django.contrib.auth import get_user_model

from satuatap.organizations import services
from satuatap.organizations.models import Membership, Role, Unit, UnitKind

PASSWORD = "correct-horse-battery-42"

# Staff are named after birds: no word of these names occurs in the test data, so a test that
# asserts a beneficiary's or donor's name is absent from a page cannot trip over the name of
# the signed-in user (a random Indonesian name once did: "Siti Aryani" beside "Siti Aminah").
BIRDS = (
    "Kenari",
    "Merpati",
    "Cendrawasih",
    "Kutilang",
    "Jalak",
    "Murai",
    "Nuri",
    "Kakatua",
    "Rajawali",
    "Elang",
    "Camar",
    "Bangau",
    "Belibis",
    "Perkutut",
    "Gelatik",
    "Pipit",
)


def staff_name(n: int) -> str:
    return f"{BIRDS[n % len(BIRDS)]} {BIRDS[n // len(BIRDS) % len(BIRDS)]}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(staff_name)
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_institution(code: str, name: str, admin=None) -> Unit:
    return services.institution_create(actor=None, first_admin=admin, name=name, code=code)


def make_unit(parent: Unit, code: str, name: str, kind=UnitKind.BRANCH) -> Unit:
    """A unit created straight through the tree (tests of services build theirs through services)."""
    unit = Unit.objects.add_child(
        parent, {"kind": kind, "code": code, "name": name, "institution_id": parent.institution_id}
    )
    parent.refresh_from_db()
    return unit


def grant(user, unit: Unit, role: str = Role.ADMIN) -> Membership:
    membership = Membership.objects.create(user=user, unit=unit, role=role)
    user.__dict__.pop("_satuatap_memberships", None)
    return membership
