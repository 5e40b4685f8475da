"""Video in, shapes out: clips decoded, fitted coherently frame after frame, and played back."""
