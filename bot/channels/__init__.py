"""Our own Rasa input channels (set in credentials.yml)."""
