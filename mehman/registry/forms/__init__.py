"""The registry pages' forms, one module per topic.

``register`` (the registration wizard), ``actions`` (life events, documents,
needs, notes, corrections), ``browse`` (the household list's search and
filters), ``transfer`` (import and export); ``base`` holds what they share.
"""
