"""Reading: a communiqué file as published (text, HTML, PDF text) into numbered paragraphs and
sentences, with every character traced back to its offset in the source."""
