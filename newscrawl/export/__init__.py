"""Export: the atomic JSON Lines feed writer and its file operations."""
