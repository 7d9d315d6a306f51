"""core.prepared.instance with some fields read: values land in their own fields, whatever order
the caller names them in."""

import pytest

from earlyhelp.core.models import User
from earlyhelp.core.prepared import _named, instance


def test_fields_named_in_any_order_land_in_their_own_fields():
    row = {"lead__first_name": "Jo", "lead__id": 7, "lead__username": "jlead",
           "lead__last_name": "Lead"}
    for fields in (("id", "first_name", "last_name", "username"),
                   ("username", "last_name", "id", "first_name")):
        user = instance(User, row, "lead__", fields=fields)
        assert (user.pk, user.username, user.first_name, user.last_name) == (
            7, "jlead", "Jo", "Lead")
        assert user.get_deferred_fields() >= {"email", "role"}
    # Put in the model's order, as Model.from_db takes them (a model with a from_db of its own
    # would otherwise get the caller's order)
    model_order = [f.attname for f in User._meta.concrete_fields]
    names, pk_at = _named(User, ("id", "first_name", "username"))
    assert names == sorted(names, key=model_order.index) and names[pk_at] == "id"


def test_a_related_row_that_is_not_there_is_none():
    row = {"lead__id": None, "lead__username": None}
    assert instance(User, row, "lead__", fields=("id", "username")) is None


def test_a_field_the_model_does_not_have_is_refused():
    with pytest.raises(ValueError, match="no fields \\['nickname'\\]"):
        instance(User, {"id": 1, "nickname": "x"}, fields=("id", "nickname"))
