"""The `wastenexus` command: the composition root."""
