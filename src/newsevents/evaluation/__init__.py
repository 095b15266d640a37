"""Gold-set readers (`gold`) and scores (`metrics`) behind `newsevents eval`."""
