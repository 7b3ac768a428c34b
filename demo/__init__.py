"""The "Harbour Lights" demo studio, its drawn references and the tiny test pipeline: never production code."""
