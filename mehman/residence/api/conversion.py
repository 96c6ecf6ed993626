"""Residence endpoints under /api/v1/residence/: conversion."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
