"""Errors that are about configuration rather than about a request."""


class ImproperlyConfigured(ValueError):
    """A framework integration was set up with missing or invalid settings."""
