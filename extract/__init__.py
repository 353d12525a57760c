"""Extract: a document's tables to raw action records (header mapping, row stitching, sub-items).

Format-independent: it works on :class:`ingest.model.Document`, so text exports, PDF, Word
and HTML plans all go through the same rules. Entry point: :func:`extract_document`.
"""

from extract.document import extract_document
from extract.headers import HeaderSettings
from extract.model import Extraction, Provenance, RawAction
from extract.settings import WalkSettings
from ingest.model import Issue

__all__ = ["Extraction", "HeaderSettings", "Issue", "Provenance", "RawAction", "WalkSettings", "extract_document"]
