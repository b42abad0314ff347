from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from accounts.forms import timezone_choices
from accounts.models import User


class MeSerializer(serializers.ModelSerializer):
    timezone = serializers.ChoiceField(choices=timezone_choices())
    locale = serializers.ChoiceField(choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "timezone", "locale"]
        read_only_fields = ["id", "email"]
