"""Platform adapters: verify, parse, render and send, one module per platform."""
