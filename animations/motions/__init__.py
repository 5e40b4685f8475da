"""The motions: scenes turned into clips (`flyin`, `growth`, `mosaic_zoom`, `timelapse`)."""
