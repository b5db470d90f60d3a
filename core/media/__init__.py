"""Media: checking citizens' photos and keeping them in a content-addressed store."""
