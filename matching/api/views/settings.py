"""Matching API: a program's matching settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response

from matching import services
from matching.api.serializers import MatchingSettingsSerializer, MatchingSettingsUpdateSerializer
from programs.api.views.base import ProgramScopedMixin
from programs.models import Program


def matching_settings_detail(program: Program) -> dict:
    settings = services.matching_settings_for(program)
    return MatchingSettingsSerializer(
        settings, context={"criteria": services.program_criteria(program, settings.weights)}
    ).data


def errors_by_criterion(error: DjangoValidationError) -> Exception:
    """The service names a weight's error `weight_<key>`; the API keys it by the criterion under
    `weights`, as the request sent it."""
    if not hasattr(error, "error_dict"):
        return error
    fields: dict = {}
    for name, messages in error.message_dict.items():
        if name.startswith("weight_"):
            fields.setdefault("weights", {})[name.removeprefix("weight_")] = messages
        else:
            fields[name] = messages
    return exceptions.ValidationError(fields)


class MatchingSettingsView(ProgramScopedMixin, generics.GenericAPIView):
    """How the program matches (those who run it): each criterion's weight, 0 (off) to 10
    (must-have), and the hard rules. PATCH changes what is sent and saves nothing on any error;
    the settings apply to the next match run."""

    serializer_class = MatchingSettingsSerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.require_can_manage()

    def get(self, request, org_slug: str, program_id: int):
        return Response(matching_settings_detail(self.program))

    @extend_schema(request=MatchingSettingsUpdateSerializer, responses=MatchingSettingsSerializer)
    def patch(self, request, org_slug: str, program_id: int):
        incoming = MatchingSettingsUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        try:
            services.matching_settings_update(
                actor=self.membership,
                program=self.program,
                weights=incoming.validated_data.get("weights", {}),
                values=incoming.rule_values(),
            )
        except DjangoValidationError as error:
            raise errors_by_criterion(error) from None
        return Response(matching_settings_detail(self.program))
