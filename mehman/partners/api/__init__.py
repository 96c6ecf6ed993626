"""Partners endpoints."""
