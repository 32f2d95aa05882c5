"""Storage under a Cairn root: content-addressed blobs, and the index rebuilt from run files."""
