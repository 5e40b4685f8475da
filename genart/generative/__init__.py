"""Optimizers that fit shapes, graphs and mosaics to a picture and write scene files."""
