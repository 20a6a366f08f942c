"""The workshop's domain: plain Python, no Flask. Question types, validation, aggregation."""
