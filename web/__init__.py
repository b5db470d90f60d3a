"""The HTTP surface: webhooks, health and metrics (later: admin API, Open311, console)."""
