"""The one API router: each app registers its viewsets in its api.py via register()."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
