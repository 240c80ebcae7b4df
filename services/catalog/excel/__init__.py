"""The standard catalog as the Excel sheets localities publish (one sheet per domain)."""
