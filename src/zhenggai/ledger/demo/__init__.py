"""Package data for `zhenggai demo`: an announcement written for the project."""
