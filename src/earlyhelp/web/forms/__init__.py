from .base import GovukDateField, GovukForm, required

__all__ = ["GovukDateField", "GovukForm", "required"]
