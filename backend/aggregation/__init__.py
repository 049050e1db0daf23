"""Aggregation: findings counted by plan dimensions, survey results by segment, and the coverage
matrix. Group-bys run in the database (SQLite or PostgreSQL); pandas shapes the results."""
