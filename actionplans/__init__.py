"""actionplans: the pipeline (ingest -> extract -> normalise -> export) and its command line."""
