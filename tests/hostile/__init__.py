"""Hostile inputs: every case must end in genart's one line, bounded memory and time, and nothing left behind."""
