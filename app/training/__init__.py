"""Retraining from the published knowledge base, started from the staff console.

A job exports the training content from the published database, validates the
data (``rasa data validate --fail-on-warnings``), trains a new model, evaluates
its NLU on the held-out test file and publishes it to the model server only if
it is at least as accurate as the floor and as the model in service;
otherwise it records why, in Thai, for the console.

The console calls :func:`start_training` and :func:`job_status`
(``app.training.jobs``); the work runs in a process of its own
(``python -m app.training run <job>``), so a console restart neither stops
nor loses it.
"""
from __future__ import annotations

from app.training.jobs import JobStatus, TrainingBusyError, TrainingJobs, job_status, start_training

__all__ = ["JobStatus", "TrainingBusyError", "TrainingJobs", "job_status", "start_training"]
