"""Export: normalised documents to the dataset files (CSV, JSON Lines, XLSX, Parquet, SQLite)."""

from actionplans.export.tables import TABLE_COLUMNS, documents_to_frames
from actionplans.export.writers import DEFAULT_FORMATS, FORMATS, write_dataset

__all__ = ["DEFAULT_FORMATS", "FORMATS", "TABLE_COLUMNS", "documents_to_frames", "write_dataset"]
