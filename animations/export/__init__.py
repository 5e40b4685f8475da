"""Hand-off: motions exported to other tools (Lottie JSON, animated SVG, glTF, Blender)."""
