"""The web chat's page server (server.py) and the widget's files (static/)."""
