"""DSL primitives, grouped by topic; importing this package registers them all."""

from dsl.primitives import colour, geometry  # noqa: F401
