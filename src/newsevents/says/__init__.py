"""Says who: quotes and their speakers, and who each event is attributed to."""
