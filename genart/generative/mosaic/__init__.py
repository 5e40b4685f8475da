"""Photo mosaics: index a photo collection, match its tiles to a picture, build the mosaic."""
