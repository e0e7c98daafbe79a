"""Standard-library-only modules both environments import: paths, redaction, geometry."""
