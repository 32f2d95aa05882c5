"""Integrations with other libraries (PyTorch model watching, ...), each imported on use."""
