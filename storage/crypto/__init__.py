"""Cryptography of the storage layer: field AEAD, data-key wrapping, blind indexes, value codecs."""
