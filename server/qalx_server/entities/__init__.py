"""Entities: how each type's documents are built, stored, changed and answered."""
