"""Gongkai's own OAuth 2 authorization server (authlib), its users, clients and keys."""
