"""Developer tools, not loaded by the Rasa server.

The held-out NLU evaluation, the data-validation filter, the benchmark and a
terminal chat client.
"""
