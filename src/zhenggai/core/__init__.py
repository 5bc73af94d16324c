"""Pure-Python domain core: no Django import anywhere below this package."""
