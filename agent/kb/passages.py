"""Curated records and franchise notes -> chunked :class:`Passage` records for Chroma.

(The builders from the curated tables follow in this module; the record type is here first.)
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

logger = logging.getLogger(__name__)

PassageType = Literal["film", "episode", "oscar", "emmy", "streaming", "comic", "franchise_note"]
PASSAGE_TYPES: tuple[PassageType, ...] = ("film", "episode", "oscar", "emmy", "streaming", "comic", "franchise_note")
Profile = Literal["default", "full"]


class Passage(BaseModel):
    """One retrievable chunk of text with the metadata Chroma stores next to its vector."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=300, description="Stable: '<entity id>#<chunk>' or a group id.")
    text: str = Field(min_length=1)
    type: PassageType
    entity_ids: tuple[str, ...] = Field(min_length=1, description="Fact-index ids the passage is about.")
    title: str = Field(min_length=1, description="Display title of the passage's main entity.")
    franchise: str | None = None
    year: int | None = None
    source: str = Field(min_length=1, description="Source file, e.g. 'oscars.tsv' or 'franchises/mcu.md'.")
    licence: str = Field(min_length=1)
    url: str | None = None

    @property
    def content_hash(self) -> str:
        """sha256 (16 hex) of everything stored for the passage: a changed hash means re-embed."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def chroma_metadata(self) -> dict[str, str | int | list[str]]:
        """Flat metadata for Chroma (None values are left out; ``entity_ids`` is a list for ``$contains``)."""
        meta: dict[str, str | int | list[str]] = {
            "type": self.type,
            "entity_ids": list(self.entity_ids),
            "title": self.title,
            "source": self.source,
            "licence": self.licence,
            "hash": self.content_hash,
        }
        if self.franchise is not None:
            meta["franchise"] = self.franchise
        if self.year is not None:
            meta["year"] = self.year
        if self.url is not None:
            meta["url"] = self.url
        return meta
