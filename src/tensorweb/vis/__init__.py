"""Pictures in and out: reading and writing images (Pillow, the `[image]` extra), and drawing results."""
