from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "earlyhelp.directory"
    label = "directory"
