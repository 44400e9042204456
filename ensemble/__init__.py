"""Ensembling, data IO, the run loop, scoring, submission, reports and the CLI."""
