"""The project's own package: NLU components, channels, store, logs and the web chat.

Importing any bot.* module installs the log safeguard (bot/logs.py): in the Rasa
server that happens when Rasa imports our channels from credentials.yml, before
the server starts, so no record above DEBUG shows what a person wrote.
"""

from bot.logs import install as _install_log_safeguard

_install_log_safeguard()
