"""tracker: log and review FreshBooks time entries from the command line."""

__version__ = "0.3.0"
