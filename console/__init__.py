"""The web console: a second adapter beside ``bot/`` for the secretariat and the bodies' members.

Pages are rendered on the server (Jinja2) with htmx for partial updates; each page group is one router
module under ``console/pages/``, listed in ``console/app.py``. Pages parse, call backend use cases and
render; they open no session and write no SQL.
"""
