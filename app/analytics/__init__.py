"""Analytics: what citizens ask, where the assistant fails, how satisfied they are."""
