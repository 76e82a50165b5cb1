"""Graders: turn an exercise variant and a student's answer into a result.

Nothing in this package imports Django, so graders run the same in a web
process, a Celery worker or a plain test.
"""
