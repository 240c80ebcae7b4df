"""Gongkai's services: catalog, documents, requests, and the shared kernel in ``common``."""
