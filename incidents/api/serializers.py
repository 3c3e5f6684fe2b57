from __future__ import annotations

from rest_framework import serializers

from incidents.models import Incident, Region


class RegionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "iso_code", "level", "name_en", "name_uk"]


class IncidentListSerializer(serializers.ModelSerializer):
    """The public face of an incident: an allow-list, never internal notes or staff names."""

    incident_type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    region = RegionSummarySerializer(read_only=True)

    class Meta:
        model = Incident
        fields = [
            "public_id",
            "title",
            "summary",
            "incident_type",
            "date_start",
            "date_end",
            "date_precision",
            "region",
            "location_name",
            "killed_low",
            "killed_best",
            "killed_high",
            "victim_category",
            "verification_status",
            "verification_rationale",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields
