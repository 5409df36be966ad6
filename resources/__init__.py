"""Data files of Training Lab (presets, lesson texts, images): a package only so that installs carry them."""
