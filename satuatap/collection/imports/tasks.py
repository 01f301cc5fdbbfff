"""Background tasks of imports (django-tasks): the check and the saving of large files."""

from django_tasks import task

from satuatap.collection.imports import steps


@task()
def import_validate(job_id: int) -> None:
    steps.import_validate(job_id)


@task()
def import_commit(job_id: int) -> None:
    steps.import_commit(job_id)
