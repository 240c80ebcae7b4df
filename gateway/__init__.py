"""The gateway: routing to the services (in-process or over HTTP), and later auth and limits."""
