"""Announcements of the rectification (整改情况的通报) and the public's feedback on them."""
