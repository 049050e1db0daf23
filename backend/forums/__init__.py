"""NGO forums: a meeting whose participants join by link and send feedback themselves."""
