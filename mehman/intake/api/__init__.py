"""Intake over HTTP (``/api/v1/intake/``): applications and their steps, the waitlist,
the weights and the rules.

One APIView per operation, calling the same services as the pages. Reads start
from ``for_user``: settlement staff read their settlements' applications; partner
staff and analysts none. Applications are named by their number (TJ-A00042); one
out of scope is 404, as is an operation the caller's role does not carry.
``access`` says who may do what; ``endpoints`` maps the URLs.
"""
