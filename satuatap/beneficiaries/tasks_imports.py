"""Background tasks of beneficiaries imports (django-tasks): the check and the saving of a list."""

from django_tasks import task

from satuatap.beneficiaries.imports import jobs


@task()
def import_validate(job_id: int) -> None:
    jobs.import_validate(job_id)


@task()
def import_commit(job_id: int) -> None:
    jobs.import_commit(job_id)
