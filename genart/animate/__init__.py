"""Motions over scenes and the frame pipeline that encodes them to MP4, GIF and WebM."""
