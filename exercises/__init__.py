"""The built-in exercise bank and the code that reads it.

Each exercise is a folder ``<topic>/<slug>/`` holding ``exercise.yaml`` and
its Markdown statement; README.md documents the format. Nothing here imports
Django: ``manage.py load_exercises`` stores what the loader returns.
"""
