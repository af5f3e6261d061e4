"""File formats: loading, validating and writing. Qt-free."""
