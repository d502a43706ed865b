"""Placeholder for the SPARQL 1.1 endpoint router (being written)."""

from fastapi import APIRouter

router = APIRouter()
