"""The training app's import kinds, registered with the import framework on
first use (core.importing discovers every app's `importers` module)."""

from .importing import enrolments, reference  # noqa: F401  (registers the kinds)
