"""One router module per page group; each is listed in ``console.app.PAGES``."""
