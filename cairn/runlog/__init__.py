"""The run file: an append-only sequence of length + CRC framed records.

``format`` owns the bytes (header, frames, record type numbers), ``writer`` the background
thread that appends them, ``reader`` the iterator that decodes them and stops cleanly at a
torn tail. Nothing else in Cairn touches a run file's bytes.
"""
