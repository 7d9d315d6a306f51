"""The published schema says text is a string and a list of ids is an array; DRF would read
0 as "0" and {} as an empty list. `wrong_types` finds such values in a request body before the
serializer sees it, so the API accepts what its schema says and nothing else: a 400 naming the
field (api.base.validated, the one door every API input goes through).

A walk over the serializer's own fields rather than a patch of DRF's classes: nothing outside
the API's input changes, and a new serializer is covered without having to remember a base.
"""

from collections.abc import Mapping

from rest_framework import fields, relations, serializers

NOT_TEXT = fields.CharField.default_error_messages["invalid"]
NOT_A_LIST = relations.ManyRelatedField.default_error_messages["not_a_list"]


def wrong_types(field, value):
    """The errors of `value` read by `field` (DRF's nested shape), or None if its types fit."""
    if value is None:
        return None  # null is the field's own `allow_null` rule
    if isinstance(field, fields.CharField):
        return None if isinstance(value, str) else [NOT_TEXT]
    if isinstance(field, relations.ManyRelatedField):
        if isinstance(value, Mapping):
            return [NOT_A_LIST.format(input_type=type(value).__name__)]
        return None
    if isinstance(field, serializers.ListSerializer | fields.ListField):
        if isinstance(value, list | tuple):
            found = {i: e for i, item in enumerate(value)
                     if (e := wrong_types(field.child, item)) is not None}
            return found or None
        return None
    if isinstance(field, serializers.Serializer) and isinstance(value, Mapping):
        found = {}
        for name, child in field.fields.items():
            if not child.read_only and name in value:
                error = wrong_types(child, value[name])
                if error is not None:
                    found[name] = error
        return found or None
    return None
