"""Program search in stages: normalise colours -> predict output size -> enumerate typed
compositions (de-duplicated by their values on all inputs) -> infer literal parameters of a final
step -> verify on every demonstration -> rank -> map back."""

from dsl.search.core import Fit, SearchResult, search

__all__ = ["Fit", "SearchResult", "search"]
