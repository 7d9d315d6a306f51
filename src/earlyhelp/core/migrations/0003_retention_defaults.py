"""Shipped default retention rules: moved to governance 0002 with the model (issue 18).

Kept, empty, because databases record it as applied and 0004 follows it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_security")]

    operations = []
