"""Meeting logging in the messenger: setup questions, callbacks, links, menus and reminders."""
