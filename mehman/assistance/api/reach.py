"""Who an activity reached over HTTP, against its targets (5W): counts only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.assistance.api.serializers import ReachOutput
from mehman.assistance.queries import PEOPLE_KEYS, Reach, activity_reach
from mehman.core import api
from mehman.core.permissions import get_for_user_or_404
from mehman.partners.api.serializers import error_responses
from mehman.partners.models import BRACKET_TAGS, Activity

_AGES = {tag: bracket for bracket, tag in BRACKET_TAGS.items()}


def _groups(activity: Activity, reach: Reach) -> list[dict[str, Any]]:
    keys = [*PEOPLE_KEYS, *sorted(set(reach.people) - set(PEOPLE_KEYS))]
    groups = []
    for key in keys:
        sex, _sep, tag = key.partition("_")
        groups.append(
            {
                "key": key,
                "sex": sex.upper() if sex in ("f", "m") else "",
                "age": _AGES.get(tag, "unknown"),
                "targeted": activity.target(key),
                "reached": reach.count(key),
            }
        )
    return groups


class ActivityReachApi(api.Api):
    @extend_schema(
        operation_id="activity_reach",
        summary=_("Whom an activity reached, against its targets"),
        responses={200: ReachOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Households and people by sex and age bracket, from deliveries and attendance;
        each household counts once, with its members as on its first delivery."""
        activity = get_for_user_or_404(Activity.objects, request.user, uuid=uuid)
        reach = activity_reach([activity.pk])[activity.pk]
        data = {
            "activity": activity,
            "households": {"targeted": activity.target("hh"), "reached": reach.households},
            "people": {"targeted": activity.targeted_people, "reached": reach.individuals},
            "groups": _groups(activity, reach),
        }
        return Response(ReachOutput(data).data)
