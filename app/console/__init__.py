"""The staff console: officers keep offices, FAQs and services up to date (issue 10)."""
