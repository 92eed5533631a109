"""Custom actions for the NZ people-trafficking assistant (rasa-sdk action server)."""
