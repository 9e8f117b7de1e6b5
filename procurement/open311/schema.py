"""The shapes Open311 answers in, for the OpenAPI schema."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ServiceOut = inline_serializer(
    "Open311Service",
    {
        "service_code": serializers.CharField(),
        "service_name": serializers.CharField(),
        "description": serializers.CharField(),
        "metadata": serializers.BooleanField(),
        "type": serializers.CharField(),
        "keywords": serializers.CharField(),
        "group": serializers.CharField(),
    },
    many=True,
)
RequestOut = inline_serializer(
    "Open311Request",
    {
        "service_request_id": serializers.CharField(),
        "status": serializers.CharField(help_text="open or closed"),
        "status_notes": serializers.CharField(),
        "service_name": serializers.CharField(),
        "service_code": serializers.CharField(),
        "agency_responsible": serializers.CharField(),
        "requested_datetime": serializers.DateTimeField(),
        "updated_datetime": serializers.DateTimeField(),
        "expected_datetime": serializers.DateTimeField(
            allow_null=True, help_text="The end of the resolution deadline's day"
        ),
        "description": serializers.CharField(required=False),
        "address": serializers.CharField(required=False),
        "lat": serializers.FloatField(required=False, allow_null=True),
        "long": serializers.FloatField(required=False, allow_null=True),
        "media_url": serializers.CharField(required=False, allow_null=True),
    },
    many=True,
)
CreatedOut = inline_serializer(
    "Open311Created",
    {"service_request_id": serializers.CharField(), "service_notice": serializers.CharField()},
    many=True,
)


AttributeValueOut = inline_serializer(
    "Open311AttributeValue",
    {"key": serializers.CharField(), "name": serializers.CharField()},
    many=True,
)
ServiceDefinitionOut = inline_serializer(
    "Open311ServiceDefinition",
    {
        "service_code": serializers.CharField(),
        "attributes": inline_serializer(
            "Open311Attribute",
            {
                "variable": serializers.BooleanField(),
                "code": serializers.CharField(),
                "datatype": serializers.CharField(),
                "required": serializers.BooleanField(),
                "datatype_description": serializers.CharField(),
                "order": serializers.IntegerField(),
                "description": serializers.CharField(),
                "values": AttributeValueOut,
            },
            many=True,
        ),
    },
)
