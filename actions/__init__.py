"""Custom actions for the NZ people-trafficking assistant (rasa-sdk action server).

rasa-sdk imports this package after creating its web app and before serving:
actions/server.py uses that moment to require the shared token on every call,
to listen on this machine only by default, and to answer errors without the
conversation (see its docstring).
"""

from actions.server import attach_to_running_sdk

attach_to_running_sdk()
