"""The demo settlement: deterministic settlements, one staff user per role, a registry,
its partners and what they brought to households, the applicant households'
applications and waitlist, and the site: blocks, units, facilities, who lives where,
condition surveys and the works backlog.

Later issues extend ``load_demo`` with their own data (households, applications,
units, partners); everything goes through the same services users call.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from mehman.accounts import services as account_services
from mehman.accounts.models import Language, Role, User
from mehman.core import services as core_services
from mehman.core.models import AccommodationType, Settlement
from mehman.demo.housing import Homes, load_housing, load_site
from mehman.demo.intake import load_intake
from mehman.demo.matching import load_matching
from mehman.demo.partners import load_partners
from mehman.demo.registry import load_registry
from mehman.demo.residence import load_residence
from mehman.demo.solutions import load_solutions

DEMO_PASSWORD = "mehman-demo-1405"  # noqa: S105  (printed for the demo; never used in production)

SETTLEMENTS = [
    {
        "code": "TJ",
        "name_fa": "مهمانشهر تربت جام",
        "name_en": "Torbat-e Jam guest city",
        "province_fa": "خراسان رضوی",
        "province_en": "Khorasan Razavi",
        "capacity": 10_000,
    },
    {
        "code": "SV",
        "name_fa": "مهمانشهر سروستان",
        "name_en": "Sarvestan guest city",
        "province_fa": "فارس",
        "province_en": "Fars",
        "capacity": 2_500,
    },
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    settlements: tuple[str, ...]
    language: str = Language.PERSIAN


USERS = [
    DemoUser("clerk", Role.CLERK, "زهرا", "احمدی", ("TJ",)),
    DemoUser("caseworker", Role.CASEWORKER, "مریم", "حسینی", ("TJ",)),
    DemoUser("housing", Role.HOUSING_OFFICER, "رضا", "کاظمی", ("TJ",)),
    DemoUser("manager", Role.MANAGER, "علی", "رضایی", ("TJ",)),
    # Partner staff: linked to their organisation by the partners demo (PARTNER_LOGINS).
    DemoUser("partner", Role.PARTNER, "Sarah", "Lambert", ("TJ",), Language.ENGLISH),
    DemoUser("charity", Role.PARTNER, "حامد", "نیک‌نام", ("TJ",)),
    DemoUser("analyst", Role.ANALYST, "حسن", "محمدی", ()),
    DemoUser("admin", Role.ADMINISTRATOR, "مدیر", "سامانه", ()),
    DemoUser("clerk_sv", Role.CLERK, "فاطمه", "کریمی", ("SV",)),
    DemoUser("manager_sv", Role.MANAGER, "محمود", "نوری", ("SV",)),
]


@transaction.atomic
def load_demo(
    *,
    registry: bool = True,
    partners: bool = True,
    intake: bool = True,
    housing: bool = True,
    residence: bool = True,
) -> dict[str, int]:
    """Create what is missing of the demo settlement; running it twice changes nothing.

    ``registry=False`` leaves out the households (tests of staff pages need none);
    ``partners=False`` leaves out the organisations, volunteers, gifts and what reached
    households, ``intake=False`` the applicant households' applications and the
    waitlist, and ``housing=False`` the site, its units and who lives where, surveys,
    works and family links, and ``residence=False`` the long-term residents' conversion to
    terms, their reviews and exits, the documents' expiry dates, the renewal campaign and the
    text messages (it needs the site: without housing there are no terms either); all need
    the registry's households (so ``registry=False`` leaves them out too). Without
    partners, no application names a referring partner and no work order a funder; without
    housing, offers name a home in words only.

    The site is laid out and the residents moved in before the intake, so that its offers
    hold real vacant units; the surveys, works and family links come after it, and the
    residence (terms, reviews and exits, which move households out of their homes) last.
    """
    created = {
        "settlements": 0,
        "users": 0,
        "households": 0,
        "organisations": 0,
        "applications": 0,
        "units": 0,
        "terms": 0,
        "cases": 0,
    }
    by_code: dict[str, Settlement] = {s.code: s for s in Settlement.objects.all()}
    for spec in SETTLEMENTS:
        if spec["code"] not in by_code:
            by_code[str(spec["code"])] = core_services.create_settlement(
                accommodation_type=AccommodationType.PLANNED,
                **spec,  # type: ignore[arg-type]
            )
            created["settlements"] += 1
    for demo_user in USERS:
        if User.objects.filter(username=demo_user.username).exists():
            continue
        account_services.create_user(
            username=demo_user.username,
            role=demo_user.role,
            password=DEMO_PASSWORD,
            first_name=demo_user.first_name,
            last_name=demo_user.last_name,
            language=demo_user.language,
            settlements=[by_code[code] for code in demo_user.settlements],
            validate=False,
        )
        created["users"] += 1
    if registry:
        loaded = load_registry(
            by_code["TJ"],
            by=User.objects.get(username="manager"),
            caseworker=User.objects.get(username="caseworker"),
        )
        created["households"] = loaded["households"]
    if registry and partners:
        created["organisations"] = load_partners(
            by_code["TJ"],
            by=User.objects.get(username="manager"),
            clerk=User.objects.get(username="clerk"),
            caseworker=User.objects.get(username="caseworker"),
        )["organisations"]
    if registry and housing:
        created["units"] = load_site(by_code["TJ"], by=User.objects.get(username="housing"))
    if registry and intake:
        created["applications"] = load_intake(
            by_code["TJ"],
            manager=User.objects.get(username="manager"),
            clerk=User.objects.get(username="clerk"),
            caseworker=User.objects.get(username="caseworker"),
            homes=Homes(by_code["TJ"]) if housing else None,
        )
    if registry and housing:
        load_housing(
            by_code["TJ"],
            officer=User.objects.get(username="housing"),
            manager=User.objects.get(username="manager"),
            caseworker=User.objects.get(username="caseworker"),
        )
    if registry and housing and residence:
        created["terms"] = load_residence(
            by_code["TJ"],
            manager=User.objects.get(username="manager"),
            caseworker=User.objects.get(username="caseworker"),
            clerk=User.objects.get(username="clerk"),
        )["terms"]
        load_matching(
            by_code["TJ"],
            manager=User.objects.get(username="manager"),
            clerk=User.objects.get(username="clerk"),
        )
        created["cases"] = load_solutions(
            by_code["TJ"],
            manager=User.objects.get(username="manager"),
            caseworker=User.objects.get(username="caseworker"),
        )["cases"]
    return created
