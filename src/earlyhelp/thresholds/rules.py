"""Named rules of the threshold model."""

from .models import SuggestionRule


def suggest_level(indicators):
    """The suggested level for ticked indicators: the highest-ranked level among them (the
    model's 'highest' rule). None when nothing is ticked. Indicators must share one model."""
    indicators = list(indicators)
    if not indicators:
        return None
    models = {indicator.level.model_id for indicator in indicators}
    if len(models) > 1:
        raise ValueError("Ticked indicators come from more than one threshold model.")
    model = indicators[0].level.model
    if model.suggestion_rule != SuggestionRule.HIGHEST:
        raise ValueError(f"Unknown suggestion rule {model.suggestion_rule!r}.")
    return max((indicator.level for indicator in indicators), key=lambda level: level.rank)
