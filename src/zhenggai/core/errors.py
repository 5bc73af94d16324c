"""Errors the core raises for bad input; their message is the one line a user sees."""


class InputError(Exception):
    """The input cannot be read or has no usable structure (CLI exit code 2)."""
