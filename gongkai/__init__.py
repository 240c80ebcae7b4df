"""The composition root: the ``gongkai`` command that runs and administers the system."""
