"""`callwatch serve`: a small server-rendered web app over the library (needs the `web` extra)."""
