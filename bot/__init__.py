"""The project's own Python package: NLU components, evaluation and server glue."""
