"""Code written the way a downstream project uses qalx, checked by mypy and never run: it pins
the types the public API gives (tests/sdk/test_typing_sample.py proves they are not Any)."""
