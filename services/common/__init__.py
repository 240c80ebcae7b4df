"""The small shared kernel. It never imports a service."""
