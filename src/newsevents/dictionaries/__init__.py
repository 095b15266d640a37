"""Actor, agent, verb-pattern and discard dictionaries: readers, compiler and loader."""
