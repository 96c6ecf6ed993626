"""Assistance endpoints."""
