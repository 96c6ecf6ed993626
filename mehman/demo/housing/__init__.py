"""The demo settlement's site and homes: blocks, units and facilities, who lives where,
the intake demo's offers of real units, condition surveys, the works backlog and family
links (``site``, ``offers``, ``surveys``, ``works``, ``links``).

``load_site`` lays out the site and moves the registry's residents in before the intake
demo runs, so that its offers (``Homes``) hold vacant units; ``load_housing`` surveys the
site, opens its works and links families after it. Everything goes through the housing,
registry and partners services; only dates of the past are written afterwards
(``past``), since the services stamp today.
"""

from mehman.demo.housing.offers import Homes
from mehman.demo.housing.site import NEW_PHASE, load_site
from mehman.demo.housing.works import load_housing

__all__ = ["NEW_PHASE", "Homes", "load_housing", "load_site"]
