"""Qt side of Training Lab: the window, one panel per topic, the worker, widgets and plots."""
