"""Corridor Atlas."""
