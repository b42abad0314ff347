"""What the API answers to OPTIONS: the view's name, description and formats, never a walk of
its serializer or object (DRF's default fetches the object to list the writable fields: a cost
and a 500 for views that build their object another way). The fields are in /api/schema/."""

from __future__ import annotations

from rest_framework.metadata import SimpleMetadata


class ApiMetadata(SimpleMetadata):
    def determine_actions(self, request, view) -> dict:
        return {}
