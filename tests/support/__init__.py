"""Test helpers that are not fixtures: the real-page network."""
