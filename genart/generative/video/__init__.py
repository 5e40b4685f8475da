"""Video in, shapes out: a clip becomes shapes that persist and move from frame to frame.

- `source`: `open_clip` opens a movie or an image sequence as a stream of frames (`ClipSource`);
- `fit`: `fit_video` fits the frames coherently, each from the shapes of the one before (`FrameFit`s);
- `tracks`: `clip_scene` stores the fits as a scene's per-shape tracks, `frame_layers` draws any time of it.
"""
