"""Matching answers the registry's duplicate check (``mehman.registry.duplicates``): the finder
compares the member about to be registered with the people on file, and the recorder keeps
what the clerk decided about each likely match."""

from mehman.registry import duplicates


def connect() -> None:
    from mehman.matching import services

    duplicates.register_finder("matching", services.check_person)
    duplicates.register_recorder("matching", services.record_registration_decision)
