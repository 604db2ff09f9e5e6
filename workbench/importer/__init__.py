"""Reading survey files and codings into a project: validate everything, then write once."""
