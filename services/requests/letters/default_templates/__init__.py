"""Built-in letter templates (data files; see README.md)."""
