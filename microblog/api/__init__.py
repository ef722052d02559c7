"""HTTP API: a thin FastAPI adapter over the service layer (`create_app`)."""
