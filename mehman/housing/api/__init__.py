"""Housing over HTTP (``/api/v1/housing/``): the site (blocks, units, facilities), who lives
where, condition surveys and work orders, offers of vacant units, batch allocation runs and
standards compliance.

One APIView per operation, calling the same services as the pages. Records are named by
their references (TJ-B01-003, TJ-W00012, TJ-R0003) or UUIDs (offers, surveys); one out of
scope is 404, as is an operation the caller's role does not carry. ``access`` says who may
do what; ``endpoints`` maps the URLs.
"""
