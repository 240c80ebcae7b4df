"""The requests service."""
