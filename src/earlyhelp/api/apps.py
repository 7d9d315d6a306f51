from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "earlyhelp.api"
    label = "api"

    def ready(self):
        _strict_json_types()


def _strict_json_types() -> None:
    """The published schema says text is a string and a list of ids is an array. DRF would
    read 0 as "0" and {} as an empty list: refuse them instead, so the API accepts what its
    schema says and nothing else (a 400 naming the field)."""
    from collections.abc import Mapping

    from rest_framework import fields, relations

    read_text = fields.CharField.to_internal_value

    def to_text(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return read_text(self, data)

    read_many = relations.ManyRelatedField.to_internal_value

    def to_many(self, data):
        if isinstance(data, Mapping):
            self.fail("not_a_list", input_type=type(data).__name__)
        return read_many(self, data)

    fields.CharField.to_internal_value = to_text
    relations.ManyRelatedField.to_internal_value = to_many
