"""The standards page end to end: who may see it, what it shows, and what it costs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from conftest import signed_in
from mehman.core.templatetags.mehman import num
from mehman.housing.models import FacilityKind
from mehman.housing.tests.factories import facility, resident, unit
from mehman.housing.tests.test_compliance import housed, persons
from mehman.housing.views import standards as standards_views

pytestmark = pytest.mark.django_db

URL = reverse("housing:standards")


def page(user, query: str = ""):
    response = signed_in(user).get(f"{URL}{query}")
    assert response.status_code == 200
    return response, response.content.decode()


@pytest.fixture
def site(settlement_a, mona):
    """Block B01: a crowded unit (20 m², 6 persons) 250 m from the only tap stand, and a roomy
    one beside it. Block B02: one household with its own tap and toilet."""
    crowded, crowded_household = housed(
        settlement_a, mona, 6, block_code="B01", floor_area=Decimal("20"), x=250.0, y=0.0
    )
    roomy, _household = housed(settlement_a, mona, 4, block_code="B01", x=10.0, y=0.0)
    own, _own_household = housed(
        settlement_a, mona, 2, block_code="B02", x=20.0, y=0.0, own_tap=True, own_toilet=True
    )
    facility(settlement_a, FacilityKind.TAP, capacity=3, x=0.0, y=0.0, by=mona)
    return {"crowded": crowded, "household": crowded_household, "roomy": roomy, "own": own}


def test_a_manager_sees_the_indicators_with_their_status_in_words(site, mona):
    with translation.override(mona.language):
        response, html = page(mona)
        assert _("Standards compliance") in html
        assert _("Meets the target") in html or _("Misses the target") in html
        assert _("Not applicable") in html  # no handpumps
        assert _("Not measured in Mehman") in html
    report = response.context["report"]
    assert report.summary.population == 12
    assert 'data-key="persons_per_tap"' in html
    assert "UNHCR WASH Standards and Indicators 2018" in html
    assert "Sphere Handbook 2018 shelter guidance" in html


def test_the_crowded_unit_is_listed_with_its_household_for_staff(site, mona):
    _response, html = page(mona)

    assert f'data-unit="{site["crowded"].reference}"' in html
    assert reverse("housing:unit", args=[site["crowded"].reference]) in html
    assert site["household"].reference in html


def test_the_unit_beyond_200_m_of_water_is_listed(site, mona):
    response, html = page(mona)

    assert [row.unit for row in response.context["report"].beyond_water] == [site["crowded"]]
    assert 'data-testid="beyond-water"' in html


def test_an_analyst_sees_the_page_without_household_references(site, nasrin):
    response, html = page(nasrin, "?settlement=TJ")

    assert response.context["settlement"].code == "TJ"
    assert f'data-unit="{site["crowded"].reference}"' in html
    assert site["household"].reference not in html
    assert not response.context["sees_households"]


def test_a_clerk_of_another_settlement_gets_404_for_settlement_a(site, bob):
    assert signed_in(bob).get(f"{URL}?settlement=TJ").status_code == 404


def test_partner_staff_get_404(site, vera):
    assert signed_in(vera).get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_block_can_be_focused(site, mona):
    response, html = page(mona, "?block=B02")

    report = response.context["report"]
    assert report.focus.code == "B02"
    assert report.summary.population == 2
    assert report.crowded == []
    assert f'data-unit="{site["crowded"].reference}"' not in html
    assert 'aria-current="true"' in html


def test_an_unknown_block_is_404(site, mona):
    assert signed_in(mona).get(f"{URL}?block=ZZ").status_code == 404


def test_a_block_of_another_settlement_is_404(site, mona, settlement_b):
    unit(settlement_b, block_code="B09")
    assert signed_in(mona).get(f"{URL}?block=B09").status_code == 404


def test_the_blocks_table_has_a_row_per_block_with_coloured_and_worded_cells(site, mona):
    with translation.override(mona.language):
        _response, html = page(mona)
        assert 'data-block="B01"' in html
        assert 'data-block="B02"' in html
        assert "table-danger" in html
        assert _("missed") in html


def test_a_settlement_with_no_units_shows_the_page(settlement_a, mona):
    with translation.override(mona.language):
        response, html = page(mona)
        assert _("This settlement has no blocks yet.") in html
    assert response.context["report"].summary.population == 0


def test_long_lists_are_capped_with_a_count(site, settlement_a, mona, monkeypatch):
    housed(settlement_a, mona, 6, block_code="B01", floor_area=Decimal("20"), x=0.0, y=0.0)
    monkeypatch.setattr(standards_views, "LIST_CAP", 1)

    _response, html = page(mona)

    with translation.override(mona.language):
        expected = _("Showing %(shown)s of %(total)s units; focus a block to see the rest.") % {
            "shown": num(1),
            "total": num(2),
        }
    assert expected in html
    assert html.count('data-testid="crowded"') == 1
    crowded_table = html.split('data-testid="crowded"')[1].split("</table>")[0]
    assert crowded_table.count("data-unit=") == 1


def test_the_page_reads_a_bounded_number_of_queries(
    settlement_a, mona, django_assert_max_num_queries
):
    def build(blocks: int) -> None:
        for number in range(blocks):
            code = f"Q{number:02d}"
            for _n in range(2):
                home = unit(settlement_a, block_code=code, by=mona)
                resident(settlement_a, home=home, by=mona, members=persons(3))
            facility(settlement_a, FacilityKind.TOILET, name="Toilets", by=mona)

    build(2)
    client = signed_in(mona)
    client.get(URL)  # warm caches (sessions, the standards table)
    with django_assert_max_num_queries(10) as small:
        assert client.get(URL).status_code == 200
    build(4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(URL).status_code == 200
