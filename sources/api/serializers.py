"""The shape of a public source in the API, for /api/v1/schema/ and the docs page."""

from __future__ import annotations

from rest_framework import serializers

from sources.models import SourceKind


class SourceSerializer(serializers.Serializer):
    """A source that may be cited publicly, with the published incidents that cite it."""

    public_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    title = serializers.CharField()
    publisher = serializers.CharField(help_text="Empty when unknown.")
    url = serializers.CharField(help_text="Link to the original; empty when there is none.")
    archive_url = serializers.CharField(help_text="A preserved copy; empty when there is none.")
    published_on = serializers.DateField(allow_null=True)
    language = serializers.CharField(help_text="Language code, e.g. uk, ru, en; may be empty.")
    description = serializers.CharField()
    incidents = serializers.ListField(
        child=serializers.CharField(), help_text="Public ids of the published incidents citing it."
    )
